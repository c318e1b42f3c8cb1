# IMAP client for the test harness (tests/support/mailstack): one command per run, over implicit
# TLS verified against the stack's CA. Output is binary on stdout; exit 2 means "no such mailbox".
import imaplib, ssl, sys

port, ca, user, pw, cmd = sys.argv[1:6]
args = sys.argv[6:]
imaplib.Commands.setdefault("ID", ("AUTH", "SELECTED"))
imaplib.Commands.setdefault("MOVE", ("SELECTED",))
ctx = ssl.create_default_context(cafile=ca)
m = imaplib.IMAP4_SSL("127.0.0.1", int(port), ssl_context=ctx, timeout=20)
m.login(user, pw)
out = sys.stdout.buffer


def quote(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def select(name):
    typ, data = m.select(quote(name), readonly=True)
    if typ != "OK":
        sys.exit(2)


if cmd == "caps":
    typ, data = m._simple_command("ID", '("name" "shenbao-mailstack")')
    # imaplib keeps the capabilities from before login; ask again.
    typ, data = m.capability()
    out.write(data[0] + b"\n")
    out.write(b"ID " + typ.encode() + b"\n")
elif cmd == "create":
    typ, data = m.create(quote(args[0]))
    if typ != "OK":
        sys.exit("CREATE failed: %r" % data)
elif cmd == "list":
    typ, data = m.list()
    for line in data:
        out.write(line + b"\n")
elif cmd == "append":
    raw = sys.stdin.buffer.read()
    typ, data = m.append(quote(args[0]), None, '"' + args[1] + '"', raw)
    if typ != "OK":
        sys.exit("APPEND failed: %r" % data)
    out.write(data[0] + b"\n")
elif cmd == "fetch":
    select(args[0])
    typ, data = m.uid("SEARCH", None, "ALL")
    uids = data[0].split()
    if uids:
        typ, data = m.uid("FETCH", b",".join(uids).decode(), "(UID INTERNALDATE BODY.PEEK[])")
        for item in data:
            if not isinstance(item, tuple):
                continue
            head, body = item
            uid = imaplib.re.search(rb"UID (\d+)", head).group(1)
            date = imaplib.re.search(rb'INTERNALDATE "([^"]+)"', head).group(1)
            out.write(b"%s %d %s\n" % (uid, len(body), date))
            out.write(body)
else:
    sys.exit("unknown command " + cmd)
m.logout()

# SMTP submission for the test harness: STARTTLS or implicit TLS verified against the stack's
# CA, AUTH as a stack user, then one message from stdin. An empty sender means MAIL FROM:<>.
import smtplib, ssl, sys

port, mode, ca, user, pw, sender = sys.argv[1:7]
rcpts = sys.argv[7:]
ctx = ssl.create_default_context(cafile=ca)
if mode == "implicit":
    s = smtplib.SMTP_SSL("127.0.0.1", int(port), context=ctx, timeout=20)
else:
    s = smtplib.SMTP("127.0.0.1", int(port), timeout=20)
    s.starttls(context=ctx)
s.login(user, pw)
s.sendmail(sender, rcpts, sys.stdin.buffer.read())
s.quit()

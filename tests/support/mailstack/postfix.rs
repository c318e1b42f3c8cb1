//! Postfix (SMTP submission with STARTTLS, implicit TLS, and a plain injection port), from
//! main.cf/master.cf in the stack's dir, delivering every accepted message to Dovecot by LMTP.
//! Postfix's daemons drop to the `postfix` user and check ownership: it runs as root.

use super::{Ports, Result};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Writes `main.cf` and `master.cf` into `dir/postfix`; returns that directory.
pub fn write_config(dir: &Path, ports: &Ports, domains: &[String]) -> Result<std::path::PathBuf> {
    let d = dir.display();
    let conf = dir.join("postfix");
    std::fs::create_dir_all(&conf)?;
    std::fs::create_dir_all(dir.join("pq"))?;
    make_queue(dir)?;
    let main = format!(
        r#"compatibility_level = 3.6
queue_directory = {d}/pq
data_directory = {d}/pdata
maillog_file = {d}/postfix.log
maillog_file_prefixes = {d}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = localhost
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
virtual_mailbox_domains = {domains}
virtual_transport = lmtp:inet:127.0.0.1:{lmtp}
default_transport = error:the test stack delivers nowhere else
relay_transport = error:the test stack delivers nowhere else
local_transport = error:the test stack delivers nowhere else
smtpd_tls_chain_files = {d}/tls/server.key, {d}/tls/server.pem
smtpd_tls_security_level = may
smtpd_sasl_type = dovecot
smtpd_sasl_path = {d}/run/auth-postfix
smtpd_sasl_auth_enable = no
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
message_size_limit = 67108864
biff = no
smtputf8_enable = no
lmtp_tls_security_level = none
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
"#,
        domains = domains.join(" "),
        lmtp = ports.lmtp,
    );
    // Submission as a real server runs it: TLS and authentication required; plus an injection
    // port for the harness, open to 127.0.0.1 without either.
    let auth = "  -o smtpd_sasl_auth_enable=yes\n  \
                -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n  \
                -o smtpd_relay_restrictions=permit_sasl_authenticated,reject\n";
    let master = format!(
        "127.0.0.1:{sub} inet n - n - - smtpd\n  -o smtpd_tls_security_level=encrypt\n  \
         -o smtpd_tls_auth_only=yes\n{auth}\
         127.0.0.1:{smtps} inet n - n - - smtpd\n  -o smtpd_tls_wrappermode=yes\n{auth}\
         127.0.0.1:{inject} inet n - n - - smtpd\n{rest}",
        sub = ports.smtp,
        smtps = ports.smtps,
        inject = ports.inject,
        rest = SERVICES,
    );
    std::fs::write(conf.join("main.cf"), main)?;
    std::fs::write(conf.join("master.cf"), master)?;
    // Postfix re-reads (and waits ~2 s on) config files modified within the last second.
    let past = SystemTime::now() - Duration::from_secs(60);
    for f in ["main.cf", "master.cf"] {
        std::fs::File::options()
            .write(true)
            .open(conf.join(f))?
            .set_modified(past)?;
    }
    Ok(conf)
}

/// The internal services of a stock master.cf, none chrooted.
const SERVICES: &str = "\
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
lmtp unix - - n - - lmtp
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
";

/// The id of `name` in an /etc/passwd- or /etc/group-style file (third field).
fn lookup(file: &str, name: &str) -> Option<u32> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&name))
        .and_then(|f| f.get(2)?.parse().ok())
}

/// Lays out the queue and data directories as postfix-files says and marks them ready
/// (`quick-start`), so `postfix start` skips its integrity check: that shell script is most of
/// Postfix's start-up time. Without the postfix user and postdrop group, leaves it to Postfix.
fn make_queue(dir: &Path) -> Result<()> {
    let (Some(owner), Some(postdrop)) = (
        lookup("/etc/passwd", "postfix"),
        lookup("/etc/group", "postdrop"),
    ) else {
        return Ok(());
    };
    let q = dir.join("pq");
    let mut dirs: Vec<(std::path::PathBuf, Option<u32>, Option<u32>, u32)> = [
        "active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "private",
        "saved", "trace",
    ]
    .iter()
    .map(|d| (q.join(d), Some(owner), None, 0o700))
    .collect();
    dirs.push((q.join("maildrop"), Some(owner), Some(postdrop), 0o730));
    dirs.push((q.join("public"), Some(owner), Some(postdrop), 0o710));
    dirs.push((q.join("pid"), None, None, 0o755));
    dirs.push((dir.join("pdata"), Some(owner), None, 0o700));
    for (path, uid, gid, mode) in dirs {
        std::fs::create_dir_all(&path)?;
        std::os::unix::fs::chown(&path, uid, gid)?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))?;
    }
    std::fs::write(q.join("quick-start"), "")?;
    Ok(())
}

//! Dovecot (IMAP + LMTP + the SASL socket Postfix uses) from a config file in the stack's dir.

use super::{Ports, Result};
use std::fmt::Write as _;
use std::path::Path;

/// Whom mail processes run as: Dovecot refuses uid 0 for mail, so root maps users to nobody.
pub struct Identity {
    /// `uid=` of the static userdb.
    pub uid: String,
    /// `gid=` of the static userdb.
    pub gid: String,
    /// default_internal_user / default_login_user: the package's users as root, else ourselves.
    pub internal: String,
    /// default_login_user.
    pub login: String,
}

impl Identity {
    /// Chooses by the effective uid (the owner of /proc/self).
    pub fn current(root: bool) -> Result<Identity> {
        if root {
            return Ok(Identity {
                uid: "nobody".into(),
                gid: "nogroup".into(),
                internal: "dovecot".into(),
                login: "dovenull".into(),
            });
        }
        let out = std::process::Command::new("id").args(["-un"]).output()?;
        let me = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let out = std::process::Command::new("id").args(["-gn"]).output()?;
        let group = String::from_utf8_lossy(&out.stdout).trim().to_string();
        Ok(Identity {
            uid: me.clone(),
            gid: group,
            internal: me.clone(),
            login: me,
        })
    }
}

/// Writes the passwd-file and dovecot.conf into `dir`; returns the config path.
pub fn write_config(
    dir: &Path,
    ports: &Ports,
    users: &[(&str, &str)],
    who: &Identity,
) -> Result<std::path::PathBuf> {
    let mut passwd = String::new();
    for (u, p) in users {
        if u.contains([':', '\n', ' ']) || p.contains([':', '\n']) {
            return Err(format!("user {u:?}: no ':' or line breaks in test users").into());
        }
        writeln!(passwd, "{u}:{{PLAIN}}{p}::::::")?;
    }
    std::fs::write(dir.join("users"), passwd)?;
    let d = dir.display();
    let conf = format!(
        r#"base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
debug_log_path = {d}/dovecot.log
listen = 127.0.0.1
protocols = imap lmtp
ssl = yes
ssl_cert = <{d}/tls/server.pem
ssl_key = <{d}/tls/server.key
ssl_min_protocol = TLSv1.2
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
auth_mechanisms = plain login
auth_failure_delay = 0
disable_plaintext_auth = no
mail_max_userip_connections = 100
imap_id_log = *
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
protocol lmtp {{
  postmaster_address = postmaster@localhost
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
    ssl = yes
  }}
}}
service pop3-login {{
  chroot =
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp}
  }}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0666
  }}
}}
"#,
        internal = who.internal,
        internal_group = if who.internal == "dovecot" {
            "dovecot".to_string()
        } else {
            who.gid.clone()
        },
        login = who.login,
        uid = who.uid,
        gid = who.gid,
        imap = ports.imap,
        imaps = ports.imaps,
        lmtp = ports.lmtp,
    );
    let path = dir.join("dovecot.conf");
    std::fs::write(&path, conf)?;
    Ok(path)
}

//! The test's side of the stack: IMAP (python3 imaplib over TLS) and SMTP as a client sees them.

use super::{Fetched, MailStack, Result, imap, mutf7, smtp};
use chrono::{DateTime, FixedOffset};
use std::path::Path;
use std::time::{Duration, Instant};

impl MailStack {
    fn login(&self, user: &str) -> Result<(&str, &str)> {
        self.users
            .iter()
            .find(|(u, _)| u.eq_ignore_ascii_case(user))
            .map(|(u, p)| (u.as_str(), p.as_str()))
            .ok_or_else(|| format!("{user} is not a user of this stack").into())
    }

    fn imap(&self, user: &str, args: &[&str], stdin: Option<&[u8]>) -> Result<Option<Vec<u8>>> {
        let login = self.login(user)?;
        imap::run_script(
            &self.dir,
            self.imap_port(),
            self.ca_file(),
            login,
            args,
            stdin,
        )
    }

    /// Capabilities after login (over TLS verified against the CA), then `ID <result>`.
    pub fn capabilities(&self, user: &str) -> Result<String> {
        let out = self.imap(user, &["caps"], None)?.unwrap_or_default();
        Ok(String::from_utf8_lossy(&out).to_string())
    }

    /// Logs in with this password and a trusted CA file of the caller's choice; proves that
    /// wrong passwords and untrusted certificates are refused.
    pub fn try_login(&self, user: &str, password: &str, ca: &Path) -> Result<()> {
        imap::run_script(
            &self.dir,
            self.imap_port(),
            ca,
            (user, password),
            &["caps"],
            None,
        )?;
        Ok(())
    }

    /// Submits as a real client does: STARTTLS (or implicit TLS) verified against the CA, AUTH
    /// as `user`, then the envelope; `from` may be empty (`MAIL FROM:<>`).
    pub fn submit(
        &self,
        user: &str,
        implicit_tls: bool,
        from: &str,
        to: &[&str],
        raw: &[u8],
    ) -> Result<()> {
        let (user, pw) = self.login(user)?;
        let (port, mode) = if implicit_tls {
            (self.ports.smtps, "implicit")
        } else {
            (self.ports.smtp, "starttls")
        };
        let mut args: Vec<String> = vec![
            port.to_string(),
            mode.into(),
            self.ca_file().display().to_string(),
            user.into(),
            pw.into(),
            from.into(),
        ];
        args.extend(to.iter().map(|t| t.to_string()));
        smtp::run_submit(&self.dir, &args, raw)
    }

    /// Creates a folder; the name is plain UTF-8 (`已处理`), encoded here.
    pub fn create_folder(&self, user: &str, folder: &str) -> Result<()> {
        self.imap(user, &["create", &mutf7(folder)], None)?;
        Ok(())
    }

    /// LIST response lines, as the server sent them (names in modified UTF-7).
    pub fn folders(&self, user: &str) -> Result<Vec<String>> {
        let out = self.imap(user, &["list"], None)?.unwrap_or_default();
        Ok(String::from_utf8_lossy(&out)
            .lines()
            .map(str::to_string)
            .collect())
    }

    /// APPENDs a message with an internal date; returns the APPENDUID response text.
    pub fn append(
        &self,
        user: &str,
        folder: &str,
        raw: &[u8],
        internal_date: DateTime<FixedOffset>,
    ) -> Result<String> {
        let date = internal_date.format("%d-%b-%Y %H:%M:%S %z").to_string();
        let out = self.imap(user, &["append", &mutf7(folder), &date], Some(raw))?;
        Ok(String::from_utf8_lossy(&out.unwrap_or_default())
            .trim()
            .to_string())
    }

    /// Every message of a folder in UID order with UID and INTERNALDATE; empty when the folder
    /// does not exist.
    pub fn fetch(&self, user: &str, folder: &str) -> Result<Vec<Fetched>> {
        match self.imap(user, &["fetch", &mutf7(folder)], None)? {
            Some(out) => imap::parse_fetch(&out),
            None => Ok(Vec::new()),
        }
    }

    /// The raw messages of a folder in UID order.
    pub fn messages(&self, user: &str, folder: &str) -> Result<Vec<Vec<u8>>> {
        Ok(self
            .fetch(user, folder)?
            .into_iter()
            .map(|f| f.raw)
            .collect())
    }

    /// Polls until the folder holds at least `n` messages; returns them.
    pub fn wait_for_messages(
        &self,
        user: &str,
        folder: &str,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<Vec<u8>>> {
        let deadline = Instant::now() + timeout;
        loop {
            // Looking at the Maildir costs microseconds, an IMAP session ~100 ms: ask IMAP
            // only once the files are there, so the wait measures delivery, not polling.
            let on_disk = self.maildir_count(user, folder);
            if on_disk.is_none_or(|c| c >= n) {
                let m = self.messages(user, folder)?;
                if m.len() >= n {
                    return Ok(m);
                }
            }
            if Instant::now() > deadline {
                let m = self.messages(user, folder)?;
                return Err(format!(
                    "{user}/{folder}: {} of {n} messages after {timeout:?}\n{}",
                    m.len(),
                    self.postfix_log()
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Messages in a folder's Maildir (`new` + `cur`), when the folder name maps plainly onto
    /// Maildir++ (no dots); `None` when it does not.
    pub fn maildir_count(&self, user: &str, folder: &str) -> Option<usize> {
        let root = self.dir.join("mail").join(user).join("Maildir");
        let dir = if folder.eq_ignore_ascii_case("INBOX") {
            root
        } else if folder.contains('.') {
            return None;
        } else {
            root.join(format!(".{}", mutf7(folder).replace('/', ".")))
        };
        let count = |sub: &str| std::fs::read_dir(dir.join(sub)).map_or(0, |d| d.flatten().count());
        Some(count("new") + count("cur"))
    }

    /// Sends a message through Postfix's plain injection port (no TLS, no AUTH), so it is
    /// delivered to the recipients' INBOX by LMTP.
    pub fn send(&self, from: &str, to: &[&str], raw: &[u8]) -> Result<()> {
        smtp::send(self.ports.inject, from, to, raw)
    }
}

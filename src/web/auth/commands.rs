//! `shenbao user …`: the desk's accounts, managed on the server's command line (there is no
//! sign-up page). They open the record beside a running daemon (SQLite WAL) without taking
//! the data lock.

use super::{Role, password, token};
use crate::division::with_store;
use anyhow::Context;
use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

/// Where a new password comes from.
#[derive(Debug, Clone, Copy)]
pub enum PasswordFrom {
    /// The terminal, without echo, asked twice.
    Terminal,
    /// The first line of standard input (for scripts).
    Stdin,
}

/// `shenbao user add NAME --role …`.
pub fn add(
    config: Option<&Path>,
    name: &str,
    role: Role,
    from: PasswordFrom,
) -> anyhow::Result<ExitCode> {
    let name = valid_name(name)?;
    let phc = password::hash(&new_password(from)?)?;
    with_store(config, |_, store| async move {
        store.add_user(&name, role, &phc).await?;
        println!("已添加用户 {name}（{}）", role.label());
        Ok(ExitCode::SUCCESS)
    })
}

/// `shenbao user list`.
pub fn list(config: Option<&Path>) -> anyhow::Result<ExitCode> {
    with_store(config, |_, store| async move {
        let users = store.users().await?;
        if users.is_empty() {
            println!("还没有账号。创建第一个：shenbao user add 用户名 --role clerk");
        }
        let now = chrono::Utc::now();
        for u in users {
            let state = if u.disabled {
                "已停用".to_string()
            } else if password::locked(u.locked_until.as_deref(), now) {
                format!("已锁定至 {}", u.locked_until.as_deref().unwrap_or(""))
            } else {
                "启用".to_string()
            };
            println!(
                "{}\t{}\t{state}\t创建于 {}",
                u.name,
                u.role.label(),
                u.created_at
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// `shenbao user passwd NAME`: a new password, which also lifts a lock and ends the sessions.
pub fn passwd(config: Option<&Path>, name: &str, from: PasswordFrom) -> anyhow::Result<ExitCode> {
    let name = name.to_string();
    with_store(config, |_, store| async move {
        if store.user(&name).await?.is_none() {
            anyhow::bail!("没有用户 {name}");
        }
        let phc = password::hash(&new_password(from)?)?;
        store.set_password(&name, &phc).await?;
        println!("已更新 {name} 的密码（其已登录的会话均已退出）");
        Ok(ExitCode::SUCCESS)
    })
}

/// `shenbao user disable NAME`.
pub fn disable(config: Option<&Path>, name: &str) -> anyhow::Result<ExitCode> {
    let name = name.to_string();
    with_store(config, |_, store| async move {
        if !store.disable_user(&name).await? {
            anyhow::bail!("没有用户 {name}");
        }
        println!("已停用 {name}（会话与 API 令牌均已作废）");
        Ok(ExitCode::SUCCESS)
    })
}

/// `shenbao user token NAME`: prints a fresh API token once; only its hash is kept.
pub fn api_token(config: Option<&Path>, name: &str) -> anyhow::Result<ExitCode> {
    let name = name.to_string();
    with_store(config, |_, store| async move {
        let Some(user) = store.user(&name).await?.filter(|u| !u.disabled) else {
            anyhow::bail!("没有启用的用户 {name}");
        };
        let t = token::fresh()?;
        store.add_api_token(user.id, &token::digest(&t)).await?;
        eprintln!(
            "{name} 的 API 令牌（只显示这一次，请妥善保存；用法：Authorization: Bearer 令牌）："
        );
        println!("{t}");
        Ok(ExitCode::SUCCESS)
    })
}

/// A login name: non-empty, printable, no spaces, at most 64 characters.
fn valid_name(name: &str) -> anyhow::Result<String> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && !name.chars().any(|c| c.is_control() || c.is_whitespace());
    anyhow::ensure!(ok, "用户名须为 1 到 64 个字符，且不含空格或控制字符");
    Ok(name.to_string())
}

/// A new password from `from`, checked for length.
fn new_password(from: PasswordFrom) -> anyhow::Result<String> {
    let pw = match from {
        PasswordFrom::Stdin => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
        PasswordFrom::Terminal => {
            let first = tty::read_hidden("新密码：")?;
            let again = tty::read_hidden("再输入一次：")?;
            anyhow::ensure!(first == again, "两次输入的密码不一致");
            first
        }
    };
    if let Some(problem) = password::weak(&pw) {
        anyhow::bail!(problem);
    }
    Ok(pw)
}

/// Reading from the terminal without echo (termios).
mod tty {
    use anyhow::Context;
    use std::io::{BufRead, BufReader, Write};
    use std::os::fd::AsRawFd;

    /// Echo turned back on when dropped, also on an error path.
    struct Restore {
        fd: i32,
        saved: libc::termios,
    }

    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: fd is the open terminal; saved came from tcgetattr on it.
            unsafe {
                libc::tcsetattr(self.fd, libc::TCSANOW, &self.saved);
            }
        }
    }

    /// One line typed at the terminal after `prompt`, not echoed.
    pub fn read_hidden(prompt: &str) -> anyhow::Result<String> {
        let tty = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .context("没有终端可以读取密码；请改用 --password-stdin")?;
        let fd = tty.as_raw_fd();
        // SAFETY: termios is plain data; tcgetattr fills it for an open descriptor.
        let mut term: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut term) } != 0 {
            anyhow::bail!("/dev/tty 不是终端；请改用 --password-stdin");
        }
        let _restore = Restore { fd, saved: term };
        term.c_lflag &= !libc::ECHO;
        term.c_lflag |= libc::ECHONL;
        // SAFETY: as above, with a termios derived from the terminal's own.
        unsafe {
            libc::tcsetattr(fd, libc::TCSANOW, &term);
        }
        (&tty).write_all(prompt.as_bytes())?;
        (&tty).flush()?;
        let mut line = String::new();
        BufReader::new(&tty).read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_single_printable_words() {
        assert!(valid_name("zhang_san").is_ok());
        assert!(valid_name("张三").is_ok());
        assert!(valid_name("").is_err());
        assert!(valid_name("a b").is_err());
        assert!(valid_name("a\u{7}").is_err());
    }
}

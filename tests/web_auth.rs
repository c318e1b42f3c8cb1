//! The desk's door over real HTTP: the daemon serving `[web] listen = "127.0.0.1:0"` in a
//! throw-away place, accounts made by `shenbao user …` while it runs, then login, the session
//! cookie's attributes, the throttle, CSRF on logout, logout ending the session, API tokens.
// A test crate: a failed unwrap, expect or panic is the test failing, which is what it should do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::place::Place;
use shenbao::daemon::Daemon;
use shenbao::web::auth::token;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};

/// One HTTP answer.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The session token the answer sets, if any.
    fn session(&self) -> Option<String> {
        let c = self.header("set-cookie")?;
        let v = c.strip_prefix("shenbao_session=")?.split(';').next()?;
        (!v.is_empty()).then(|| v.to_string())
    }
}

/// `method path` with `headers` (and a form body), one request per connection.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    form: Option<&str>,
) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (n, v) in headers {
        req += &format!("{n}: {v}\r\n");
    }
    if let Some(body) = form {
        req += &format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
    } else {
        req += "\r\n";
    }
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

fn cookie(t: &str) -> String {
    format!("shenbao_session={t}")
}

fn login(addr: SocketAddr, user: &str, password: &str, next: &str) -> Answer {
    let form = format!("username={user}&password={password}&next={next}");
    http(addr, "POST", "/login", &[], Some(&form))
}

/// `shenbao --config FILE user ARGS`, with `stdin` as its input; (success, stdout, stderr).
fn user(config: &Path, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .arg("--config")
        .arg(config)
        .arg("user")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn config_file(place: &Place) -> std::path::PathBuf {
    let d = shenbao::config::DEFAULT_TOML;
    let text = format!(
        "{}[mailbox]\nkind = \"maildir\"\npath = \"{}\"\n\n[storage]\ndata_dir = \"{}\"\n\n\
         [web]\nlisten = \"127.0.0.1:0\"\n",
        &d[..d.find("[mailbox]").unwrap()],
        place.0.join("Maildir").display(),
        place.0.join("data").display()
    );
    let file = place.0.join("shenbao.toml");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn the_door_lets_in_accounts_only_and_keeps_them_to_their_session() {
    let place = Place::new("web-auth");
    let file = config_file(&place);
    let cfg = shenbao::config::Config::load(Some(&file)).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let d = rt.block_on(Daemon::open(cfg)).unwrap();
    let addr = d.web_addr().unwrap();

    // Accounts, made beside the running daemon.
    let (ok, out, _) = user(
        &file,
        &["add", "li", "--role", "clerk", "--password-stdin"],
        "clerk-pass-1\n",
    );
    assert!(ok, "{out}");
    assert!(out.contains("已添加用户 li"), "{out}");
    let (ok, _, err) = user(
        &file,
        &["add", "wang", "--role", "viewer", "--password-stdin"],
        "short\n",
    );
    assert!(!ok);
    assert!(err.contains("至少需要 8 个字符"), "{err}");
    let (ok, _, _) = user(
        &file,
        &["add", "wang", "--role", "viewer", "--password-stdin"],
        "viewer-pass-1\n",
    );
    assert!(ok);
    let (ok, _, err) = user(
        &file,
        &["add", "li", "--role", "viewer", "--password-stdin"],
        "another-pass\n",
    );
    assert!(!ok && err.contains("已存在"), "{err}");
    let (_, list, _) = user(&file, &["list"], "");
    assert!(
        list.contains("li\t经办人\t启用") && list.contains("wang\t只读"),
        "{list}"
    );

    // No session: a page goes to /login, remembering where it was going; the API gets 401.
    let a = http(addr, "GET", "/units/x", &[], None);
    assert_eq!(a.status, 303);
    assert_eq!(a.header("location"), Some("/login?next=/units/x"));
    assert_eq!(http(addr, "GET", "/healthz", &[], None).status, 200);
    let a = http(addr, "GET", "/api/me", &[], None);
    assert_eq!(a.status, 401);
    assert!(a.body.contains("error"), "{}", a.body);
    let a = http(addr, "GET", "/login?next=/units/x", &[], None);
    assert_eq!(a.status, 200);
    assert!(a.body.contains("name=\"username\"") && a.body.contains("value=\"/units/x\""));
    assert!(
        a.header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(a.header("referrer-policy"), Some("same-origin"));
    assert_eq!(a.header("cache-control"), Some("no-store"));

    // A wrong password and an unknown name get the same refusal and no cookie.
    let wrong = login(addr, "li", "not-the-pass", "");
    let unknown = login(addr, "nobody", "not-the-pass", "");
    assert_eq!((wrong.status, unknown.status), (401, 401));
    assert!(wrong.session().is_none() && unknown.session().is_none());
    assert!(
        wrong.body.contains("用户名或密码不正确") && unknown.body.contains("用户名或密码不正确")
    );

    // The right one: a session cookie with the right attributes, back to where it was going;
    // a foreign next is not followed.
    let a = login(addr, "li", "clerk-pass-1", "%2Funits%2Fx");
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.header("location"), Some("/units/x"));
    let set = a.header("set-cookie").unwrap();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attr), "{set}");
    }
    assert!(!set.contains("Secure"), "plain HTTP on loopback: {set}");
    let li = a.session().unwrap();
    // Login CSRF: the right password posted from another site opens no session.
    let form = "username=li&password=clerk-pass-1";
    let own = format!("http://{addr}");
    for headers in [
        &[("Sec-Fetch-Site", "cross-site")][..],
        &[("Origin", "http://evil.example")],
        &[("Origin", "null")],
    ] {
        let a = http(addr, "POST", "/login", headers, Some(form));
        assert_eq!(a.status, 403, "{headers:?}: {}", a.body);
        assert!(
            a.session().is_none() && a.body.contains("来自其他网站"),
            "{}",
            a.body
        );
    }
    for headers in [
        &[("Sec-Fetch-Site", "same-origin"), ("Origin", own.as_str())][..],
        &[("Origin", own.as_str())],
    ] {
        assert_eq!(
            http(addr, "POST", "/login", headers, Some(form)).status,
            303
        );
    }
    let a = login(addr, "li", "clerk-pass-1", "%2F%2Fevil.example%2F");
    assert_eq!(a.header("location"), Some("/"));
    // Behind a reverse proxy that terminates TLS, the cookie is Secure too.
    let form = "username=li&password=clerk-pass-1";
    let a = http(
        addr,
        "POST",
        "/login",
        &[("X-Forwarded-Proto", "https")],
        Some(form),
    );
    assert!(a.header("set-cookie").unwrap().ends_with("; Secure"));

    // The session opens pages (an unknown one is then a plain 404) and the API.
    let a = http(addr, "GET", "/units", &[("Cookie", &cookie(&li))], None);
    assert_eq!(a.status, 200);
    let a = http(addr, "GET", "/nowhere", &[("Cookie", &cookie(&li))], None);
    assert_eq!(a.status, 404);
    let a = http(addr, "GET", "/nowhere", &[], None);
    assert_eq!(a.status, 303);
    let a = http(addr, "GET", "/api/me", &[("Cookie", &cookie(&li))], None);
    assert_eq!(a.status, 200);
    assert!(
        a.body.contains("\"name\":\"li\"") && a.body.contains("\"role\":\"clerk\""),
        "{}",
        a.body
    );

    // Logout needs the session's CSRF token: none or a wrong one is 403 and leaves it open.
    let csrf = rt
        .block_on(d.store().session(&token::digest(&li)))
        .unwrap()
        .unwrap()
        .csrf;
    let a = http(
        addr,
        "POST",
        "/logout",
        &[("Cookie", &cookie(&li))],
        Some(""),
    );
    assert_eq!(a.status, 403);
    assert!(a.body.contains("校验码"), "{}", a.body);
    let bad = format!("csrf={}", "0".repeat(64));
    let a = http(
        addr,
        "POST",
        "/logout",
        &[("Cookie", &cookie(&li))],
        Some(&bad),
    );
    assert_eq!(a.status, 403);
    let a = http(addr, "GET", "/units", &[("Cookie", &cookie(&li))], None);
    assert_eq!(a.status, 200, "still signed in");
    let a = http(
        addr,
        "POST",
        "/logout",
        &[("Cookie", &cookie(&li))],
        Some(&format!("csrf={csrf}")),
    );
    assert_eq!(a.status, 303);
    assert_eq!(a.header("location"), Some("/login"));
    assert!(a.header("set-cookie").unwrap().contains("Max-Age=0"));
    let a = http(addr, "GET", "/units", &[("Cookie", &cookie(&li))], None);
    assert_eq!(a.status, 303, "the old cookie opens nothing after logout");

    // Five failures lock the account: the right password is refused for now, stored so that a
    // restart does not lift it.
    for _ in 0..5 {
        assert_eq!(login(addr, "wang", "wrong-pass", "").status, 401);
    }
    let a = login(addr, "wang", "viewer-pass-1", "");
    assert_eq!(a.status, 401);
    assert!(a.session().is_none());
    let wang = rt.block_on(d.store().user("wang")).unwrap().unwrap();
    assert!(wang.locked_until.is_some());
    let (_, list, _) = user(&file, &["list"], "");
    assert!(list.contains("wang\t只读\t已锁定至"), "{list}");
    // A new password lifts the lock.
    let (ok, _, _) = user(
        &file,
        &["passwd", "wang", "--password-stdin"],
        "viewer-pass-2\n",
    );
    assert!(ok);
    assert_eq!(login(addr, "wang", "viewer-pass-2", "").status, 303);

    // An API token works under /api/ with Bearer, not as a page session; disabling the
    // account ends it.
    let (ok, t, err) = user(&file, &["token", "li"], "");
    assert!(ok, "{err}");
    let t = t.trim().to_string();
    assert_eq!(t.len(), 64);
    let bearer = format!("Bearer {t}");
    let a = http(addr, "GET", "/api/me", &[("Authorization", &bearer)], None);
    assert_eq!(a.status, 200);
    assert!(a.body.contains("\"name\":\"li\""), "{}", a.body);
    let a = http(
        addr,
        "GET",
        "/api/nothing",
        &[("Authorization", &bearer)],
        None,
    );
    assert_eq!(a.status, 404);
    let a = http(addr, "GET", "/units/x", &[("Authorization", &bearer)], None);
    assert_eq!(a.status, 303);
    let (ok, _, _) = user(&file, &["disable", "li"], "");
    assert!(ok);
    let a = http(addr, "GET", "/api/me", &[("Authorization", &bearer)], None);
    assert_eq!(a.status, 401);
    assert_eq!(login(addr, "li", "clerk-pass-1", "").status, 401);

    rt.block_on(async move { drop(d) });
}

#[test]
fn logins_are_logged_with_name_and_address_never_the_password() {
    let place = Place::new("web-log");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let file = config_file(&place);
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("127.0.0.1:0", &format!("127.0.0.1:{port}"));
    std::fs::write(&file, text).unwrap();
    let (ok, _, err) = user(
        &file,
        &["add", "li", "--role", "clerk", "--password-stdin"],
        "Right-pass-7a1\n",
    );
    assert!(ok, "{err}");
    let log = place.0.join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .arg("--config")
        .arg(&file)
        .arg("run")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let start = std::time::Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(start.elapsed().as_secs() < 30, "the desk did not come up");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(login(addr, "li", "Wrong-pass-3c9", "").status, 401);
    let a = login(addr, "li", "Right-pass-7a1", "");
    assert_eq!(a.status, 303);
    // SAFETY: our own child; SIGTERM is how systemd stops the daemon.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    child.wait().unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("desk login refused") && text.contains("desk login"),
        "{text}"
    );
    assert!(
        text.contains("user=li") && text.contains("127.0.0.1"),
        "{text}"
    );
    assert!(
        !text.contains("Wrong-pass-3c9") && !text.contains("Right-pass-7a1"),
        "{text}"
    );
}

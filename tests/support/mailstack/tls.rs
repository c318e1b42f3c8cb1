//! A throw-away CA and a server certificate for 127.0.0.1, made with the openssl command.

use super::Result;
use super::process::run;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The files the servers and clients need.
pub struct Tls {
    /// The CA certificate clients trust (`ca_file`).
    pub ca: PathBuf,
    /// The server's leaf certificate (CA:FALSE, so rustls accepts it as an end entity).
    pub cert: PathBuf,
    /// The leaf's private key.
    pub key: PathBuf,
}

/// Writes a CA and a leaf signed by it into `dir`. EC P-256 keys: RSA generation would cost
/// a noticeable part of the stack's start-up.
pub fn make(dir: &Path) -> Result<Tls> {
    std::fs::create_dir_all(dir)?;
    let ca_key = dir.join("ca.key");
    let ca = dir.join("ca.pem");
    let key = dir.join("server.key");
    let csr = dir.join("server.csr");
    let cert = dir.join("server.pem");
    let ext = dir.join("server.ext");
    std::fs::write(
        &ext,
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n\
         extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )?;
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    run(Command::new("openssl")
        .args(["req", "-x509"])
        .args(ec)
        .arg("-keyout")
        .arg(&ca_key)
        .arg("-out")
        .arg(&ca)
        .args(["-days", "2", "-subj", "/CN=shenbao test CA"])
        .args(["-addext", "basicConstraints=critical,CA:TRUE"])
        .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]))?;
    run(Command::new("openssl")
        .arg("req")
        .args(ec)
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&csr)
        .args(["-subj", "/CN=localhost"]))?;
    run(Command::new("openssl")
        .args(["x509", "-req", "-days", "2", "-set_serial", "2"])
        .arg("-in")
        .arg(&csr)
        .arg("-CA")
        .arg(&ca)
        .arg("-CAkey")
        .arg(&ca_key)
        .arg("-extfile")
        .arg(&ext)
        .arg("-out")
        .arg(&cert))?;
    Ok(Tls { ca, cert, key })
}

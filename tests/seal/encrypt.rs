//! Encrypting PDFs in code with the standard security handler, as scanner apps do.
#![allow(dead_code)]

use lopdf::encryption::crypt_filters::{Aes128CryptFilter, Aes256CryptFilter, CryptFilter};
use lopdf::{Document, EncryptionState, EncryptionVersion, Permissions};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Which standard security handler revision.
#[derive(Debug, Clone, Copy)]
pub enum Rev {
    Rc4_40,
    Rc4_128,
    Aes128,
    Aes256,
}

/// `pdf` encrypted with `rev`, owner password "owner" and the given user password.
pub fn encrypt(pdf: &[u8], rev: Rev, user: &str) -> Vec<u8> {
    let mut doc = Document::load_mem(pdf).expect("plain pdf loads");
    let id = lopdf::Object::string_literal(b"0123456789abcdef".to_vec());
    doc.trailer.set("ID", vec![id.clone(), id]);
    let key = [7u8; 32];
    let filters = |f: Arc<dyn CryptFilter>| BTreeMap::from([(b"StdCF".to_vec(), f)]);
    let version = match rev {
        Rev::Rc4_40 => EncryptionVersion::V1 {
            document: &doc,
            owner_password: "owner",
            user_password: user,
            permissions: Permissions::empty(),
        },
        Rev::Rc4_128 => EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: user,
            key_length: 128,
            permissions: Permissions::empty(),
        },
        Rev::Aes128 => EncryptionVersion::V4 {
            document: &doc,
            encrypt_metadata: true,
            crypt_filters: filters(Arc::new(Aes128CryptFilter)),
            stream_filter: b"StdCF".to_vec(),
            string_filter: b"StdCF".to_vec(),
            owner_password: "owner",
            user_password: user,
            permissions: Permissions::empty(),
        },
        Rev::Aes256 => EncryptionVersion::V5 {
            encrypt_metadata: true,
            crypt_filters: filters(Arc::new(Aes256CryptFilter)),
            file_encryption_key: &key,
            stream_filter: b"StdCF".to_vec(),
            string_filter: b"StdCF".to_vec(),
            owner_password: "owner",
            user_password: user,
            permissions: Permissions::empty(),
        },
    };
    let state = EncryptionState::try_from(version).expect("encryption state");
    doc.encrypt(&state).expect("encrypt");
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

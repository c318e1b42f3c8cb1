//! Automatic mail (RFC 3834 and the usual list and bounce markers) and questions.

use serde::Serialize;

/// Why a message counts as automatic mail, which never gets a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Automatic {
    /// The header or marker that decided it, for the division's view.
    pub reason: String,
}

/// True when a human message without attachments asks something, so staff should answer it.
pub fn is_question(_subject: &str, _body: &str) -> bool {
    false
}

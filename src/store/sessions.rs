//! The desk's sessions and API tokens, each by the sha256 of its token: a copy of the
//! database opens no session.

use super::accounts::{Account, UserTuple, account};
use super::codes::decode;
use super::{Store, now, stamp};
use anyhow::Context;
use chrono::{DateTime, Utc};

/// A live session with its account, as the desk checks it on every request.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// The account.
    pub user_id: i64,
    /// Its login name.
    pub name: String,
    /// Its role.
    pub role: super::Role,
    /// The session's CSRF token.
    pub csrf: String,
    /// Last use (stored time): idle expiry and the once-a-minute refresh follow it.
    pub last_seen: String,
}

impl Store {
    /// Opens a session after a successful login (which clears the throttle), dropping the
    /// sessions idle since `stale`.
    pub async fn open_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf: &str,
        stale: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot begin a transaction")?;
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .context("cannot clear the login throttle (users)")?;
        sqlx::query("DELETE FROM sessions WHERE last_seen < ?")
            .bind(stamp(stale))
            .execute(&mut *tx)
            .await
            .context("cannot drop idle sessions")?;
        let at = now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(&at)
        .bind(&at)
        .execute(&mut *tx)
        .await
        .context("cannot open a session (sessions)")?;
        tx.commit().await.context("cannot commit the session")?;
        Ok(())
    }

    /// The session of a cookie's token hash, if its account is enabled (expiry is the
    /// caller's: it knows the clock).
    pub async fn session(&self, token_hash: &str) -> anyhow::Result<Option<SessionRow>> {
        let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
            "SELECT u.id, u.name, u.role, s.csrf, s.last_seen FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND u.disabled = 0",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .context("cannot read the session (sessions)")?;
        row.map(|(user_id, name, role, csrf, last_seen)| {
            Ok(SessionRow {
                user_id,
                name,
                role: decode("users", "role", &role)?,
                csrf,
                last_seen,
            })
        })
        .transpose()
    }

    /// Marks a session as used now.
    pub async fn touch_session(&self, token_hash: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE sessions SET last_seen = ? WHERE token_hash = ?")
            .bind(now())
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .context("cannot refresh the session (sessions)")?;
        Ok(())
    }

    /// Ends one session (logout, or found expired).
    pub async fn end_session(&self, token_hash: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .context("cannot end the session (sessions)")?;
        Ok(())
    }

    /// Stores a new API token's hash for an account.
    pub async fn add_api_token(&self, user_id: i64, token_hash: &str) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now())
            .execute(&self.pool)
            .await
            .context("cannot store the API token (api_tokens)")?;
        Ok(())
    }

    /// The enabled account an API token's hash belongs to.
    pub async fn api_token_user(&self, token_hash: &str) -> anyhow::Result<Option<Account>> {
        let row: Option<UserTuple> = sqlx::query_as(
            "SELECT u.id, u.name, u.role, u.password, u.disabled, u.created_at, \
             u.failed_logins, u.locked_until FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = ? AND u.disabled = 0",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .context("cannot read the API token (api_tokens)")?;
        row.map(account).transpose()
    }
}

-- The web desk's accounts, sessions and API tokens. Secrets are never stored: a password as
-- its argon2id PHC string, a session or API token as the sha256 of its value.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    -- store::Role code: clerk or viewer.
    role TEXT NOT NULL,
    -- argon2id PHC string.
    password TEXT NOT NULL,
    -- A disabled account signs in no more; its rows stay for the record of its decisions.
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    -- Failed logins since the last success or lock, and the lock they lead to, kept here so
    -- that a restart does not reset the throttle.
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
);

-- Signed-in browsers, by the sha256 of the cookie's token.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    -- Put into every form and compared with what comes back.
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Refreshed on use (at most once a minute); idle for 8 hours ends the session.
    last_seen TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Per-user tokens for scripts under /api/, by the sha256 of the token.
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);

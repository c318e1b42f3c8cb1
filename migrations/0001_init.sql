-- shenbao's record of every submission. Times are RFC 3339 text; JSON columns keep the whole
-- typed value, the key fields beside them are columns so the division can query them.

-- Every email taken from the mailbox, judged or not.
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    -- Message-ID header, without angle brackets.
    message_id TEXT,
    -- sha256 of the raw bytes (hex); the same bytes are never recorded twice.
    sha256 TEXT UNIQUE,
    sender TEXT,
    sender_name TEXT,
    reply_to TEXT,
    subject TEXT NOT NULL DEFAULT '',
    -- Arrival (IMAP INTERNALDATE, Maildir mtime): the time the deadline is checked against.
    arrival TEXT NOT NULL,
    -- Content-addressed copy of the raw message, relative to the data directory.
    raw_path TEXT,
    size INTEGER NOT NULL,
    -- 'maildir' or 'imap', and where it was found there.
    source TEXT NOT NULL,
    source_name TEXT,
    source_uid INTEGER,
    source_uidvalidity INTEGER,
    -- 'judged' or 'failed' (could not be processed at all; see failure).
    state TEXT NOT NULL,
    failure TEXT,
    unit_id INTEGER REFERENCES units(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX messages_message_id ON messages(message_id);
CREATE UNIQUE INDEX messages_source_uid ON messages(source_uidvalidity, source_uid)
    WHERE source_uid IS NOT NULL;

-- Every attachment at every depth (archives and forwarded mail unpacked).
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    -- Position in the email, as the verdict lists them.
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    container TEXT,
    -- File type from the bytes (docx, pdf, zip, …).
    kind TEXT NOT NULL,
    -- 'application' | 'summary' | NULL, and 'word' | 'stamped' | NULL.
    form TEXT,
    version TEXT,
    sha256 TEXT NOT NULL,
    -- Content-addressed copy, relative to the data directory.
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    problem TEXT
);
CREATE INDEX attachments_message ON attachments(message_id);

-- Recommending units.
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    -- Normalised name (or the sender's address when no name is known).
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    receipt TEXT,
    emails INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

-- Which file counts for which slot of a unit's materials, with the history of replacements.
CREATE TABLE unit_materials (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    -- 'summary/word', 'summary/stamped', 'application/word/<project>', …
    slot TEXT NOT NULL,
    file_name TEXT NOT NULL,
    container TEXT,
    -- The email that brought the file and the attachment row, when found.
    message_id INTEGER NOT NULL REFERENCES messages(id),
    attachment_id INTEGER REFERENCES attachments(id),
    -- 1 while the file counts; 0 once replaced or dropped.
    current INTEGER NOT NULL,
    -- The row this one replaced, and the email that ended this row.
    replaces INTEGER REFERENCES unit_materials(id),
    ended_by INTEGER REFERENCES messages(id)
);
CREATE INDEX unit_materials_current ON unit_materials(unit_id, current);

-- Application forms read (附件1).
CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    unit_id INTEGER REFERENCES units(id),
    enterprise_name TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    project_name TEXT NOT NULL,
    json TEXT NOT NULL
);

-- Summary rows read (附件2).
CREATE TABLE summary_rows (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    unit_id INTEGER REFERENCES units(id),
    enterprise_name TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    project_name TEXT NOT NULL,
    json TEXT NOT NULL
);

-- Problems of the unit's materials after each email.
CREATE TABLE problems (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    file TEXT,
    field TEXT,
    message TEXT NOT NULL
);
CREATE INDEX problems_message ON problems(message_id);

-- The verdict after each judged email.
CREATE TABLE verdicts (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id),
    unit_id INTEGER REFERENCES units(id),
    verdict TEXT NOT NULL,
    receipt TEXT,
    ignored_reason TEXT,
    outcome TEXT NOT NULL
);

-- Replies to send: composed from the outcome when delivered.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    recipient TEXT NOT NULL,
    -- 'receipt' (受理回执) or 'notice' (补正通知).
    kind TEXT NOT NULL,
    -- 'queued' | 'sent' | 'failed' | 'undelivered'.
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    outcome TEXT NOT NULL,
    -- The composed reply (subject, Message-ID, whole MIME message), ready to send as is.
    subject TEXT,
    reply_message_id TEXT,
    raw BLOB,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_state ON outbox(state);
CREATE INDEX outbox_recipient ON outbox(recipient, created_at);

-- Where an IMAP source left off.
CREATE TABLE mailbox_state (
    folder TEXT PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL
);

-- Past years' projects (历年项目), for duplicate_of_history.
CREATE TABLE history_projects (
    id INTEGER PRIMARY KEY,
    year TEXT NOT NULL,
    enterprise_name TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    project_name TEXT NOT NULL,
    description TEXT NOT NULL,
    source_file TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (year, enterprise_name, credit_code, project_name)
);

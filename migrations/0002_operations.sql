-- What the division's commands need beside the record of each message: a unit's current
-- materials as one value, receipt numbers that never change once issued, reminders, and
-- outbox rows that answer no message (reminders).

-- The unit's materials after its latest email (JSON of verdict::Materials), so views and the
-- export read the current state without judging everything again.
ALTER TABLE units ADD COLUMN materials TEXT;
-- 'accepted' | 'rejected' after its latest email: complete or not.
ALTER TABLE units ADD COLUMN verdict TEXT;
ALTER TABLE units ADD COLUMN last_message INTEGER REFERENCES messages(id);

-- Receipt numbers as issued. A number told to a unit stays its number: a reprocess after a
-- rule change reuses it, and new numbers come after the highest one issued.
CREATE TABLE receipts (
    unit_key TEXT PRIMARY KEY,
    receipt TEXT NOT NULL UNIQUE,
    -- The email whose verdict first carried it.
    message_id INTEGER REFERENCES messages(id),
    issued_at TEXT NOT NULL
);
INSERT OR IGNORE INTO receipts (unit_key, receipt, message_id, issued_at)
    SELECT u.key, u.receipt,
           (SELECT MIN(v.message_id) FROM verdicts v WHERE v.receipt = u.receipt),
           u.updated_at
    FROM units u WHERE u.receipt IS NOT NULL;

-- Reminders sent (shenbao remind): at most one per unit per day of the campaign's time zone.
CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    unit_key TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    -- YYYY-MM-DD in the deadline's offset.
    day TEXT NOT NULL,
    recipient TEXT NOT NULL,
    -- What was missing, as listed in the reminder (JSON array of strings).
    missing TEXT NOT NULL,
    outbox_id INTEGER,
    created_at TEXT NOT NULL,
    UNIQUE (unit_key, day, recipient)
);

-- The outbox again, with message_id optional: a reminder answers no message.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    message_id INTEGER REFERENCES messages(id),
    recipient TEXT NOT NULL,
    -- 'receipt' (受理回执), 'notice' (补正通知) or 'reminder' (催报提醒).
    kind TEXT NOT NULL,
    -- 'queued' | 'sent' | 'failed' | 'undelivered' | 'held'.
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    outcome TEXT NOT NULL,
    subject TEXT,
    reply_message_id TEXT,
    raw BLOB,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
INSERT INTO outbox_new SELECT id, message_id, recipient, kind, state, attempts, last_error,
    outcome, subject, reply_message_id, raw, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_state ON outbox(state);
CREATE INDEX outbox_recipient ON outbox(recipient, created_at);
CREATE INDEX outbox_message ON outbox(message_id);

-- Small facts the daemon leaves for the division's commands, which run in other processes:
-- 'last_contact' (the last time the mailbox was reached), 'started' (the daemon's start).
CREATE TABLE daemon_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The judge's state (every unit's materials so far, which unit each sender writes for, the
-- receipt counter), written in the transaction that records each message, so that start-up
-- loads it instead of judging every archived message again. A state in another format, or
-- one that does not reach the last judged message, is rebuilt once from the archive.
CREATE TABLE judge_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- verdict::saved::FORMAT of the binary that wrote it.
    format INTEGER NOT NULL,
    -- Receipt numbers issued so far (the counter new numbers follow).
    receipts INTEGER NOT NULL,
    -- The last judged message the state includes.
    last_message INTEGER,
    updated_at TEXT NOT NULL
);

-- Each unit's state as verdict::saved writes it, by unit key.
CREATE TABLE judge_units (
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL
);

-- The unit each sender address (lower case) last wrote for.
CREATE TABLE judge_senders (
    address TEXT PRIMARY KEY,
    unit_key TEXT NOT NULL
);

-- The division's decisions (shenbao decide …, the web desk): what the program could not decide,
-- decided by a person. Rows are only added; a pending row is applied or refused once by the
-- process that holds the judge (the daemon, or `decide` when no daemon runs), which fills in
-- state, applied_at, result and after_message. `reprocess` replays applied decisions at their
-- position, so a rebuilt record keeps them.
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    proposed_at TEXT NOT NULL,
    -- Login name on the web desk, or 'cli:<unix user>'.
    actor TEXT NOT NULL,
    -- 'accept' | 'confirm_seal' | 'assign_sender' | 'request_correction' | 'answer' |
    -- 'mark_answered' | 'resend' | 'release' | 'drop' | 'remind' (store::DecisionKind).
    kind TEXT NOT NULL,
    -- The unit concerned (its key), when the kind names one.
    unit_key TEXT,
    -- What the decision is about, as the kind needs it: 'MESSAGE/SEQ' of a file, a message
    -- row, an outbox row, a sender address.
    target TEXT,
    -- Why: required.
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    -- The clerk's text (a correction's note, an answer's text).
    note TEXT,
    -- 'pending' | 'applied' | 'refused'.
    state TEXT NOT NULL,
    applied_at TEXT,
    -- What happened (Chinese), or why it was refused.
    result TEXT,
    -- The last recorded message when it was applied: replayed right after it.
    after_message INTEGER,
    -- The mail it queued, if any.
    outbox_id INTEGER REFERENCES outbox(id)
);
CREATE INDEX decisions_unit ON decisions(unit_key);
CREATE INDEX decisions_state ON decisions(state);

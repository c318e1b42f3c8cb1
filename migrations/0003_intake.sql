-- What the intake is still trying: a message that could not be taken yet (a transient error:
-- disk full, the record unwritable, a broken connection) stays in the mailbox and is retried
-- on a backoff; its attempts and the last reason are kept here, so `status` shows it and a
-- message that fails for its own reasons is put aside after a bounded number of attempts.
-- The row goes once the message is recorded or moved to the failed folder.
CREATE TABLE intake_attempts (
    -- 'imap:<uidvalidity>:<uid>' or 'maildir:<file name>': where the message waits.
    source_key TEXT PRIMARY KEY,
    -- A name for people: the folder and UID, or the file name.
    source_name TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL
);

-- Outbox rows now pass through 'sending' (recorded before the server is given the message):
-- a row found in 'sending' after a crash may have been accepted by the server already. The
-- column says when the last attempt began.
ALTER TABLE outbox ADD COLUMN sending_at TEXT;

-- The intake no longer resumes from the highest UID taken (mail moved back into the inbox
-- with lower UIDs was skipped for good): every message in the inbox is to do.
DROP TABLE mailbox_state;

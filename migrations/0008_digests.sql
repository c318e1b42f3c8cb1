-- The division's daily digest ([division] digest_to, digest_at): one row per day of the
-- campaign's time zone, written in the transaction that queues the digest, so a restart never
-- sends a day's digest twice and days the daemon was down are not sent afterwards.
CREATE TABLE digests (
    -- YYYY-MM-DD in the deadline's offset.
    day TEXT PRIMARY KEY,
    -- The last message (messages.id) the digest counted: the next one lists what came after.
    through_message INTEGER NOT NULL,
    -- The outbox rows it was queued as (JSON array of ids), one per recipient.
    outbox_ids TEXT NOT NULL,
    created_at TEXT NOT NULL
);

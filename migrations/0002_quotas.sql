-- quotas that one client cannot exhaust (worker/feedback-store.ts): per sender and per label a day,
-- beside the daily cap for everyone (feedback_days), and near-duplicates found by a coarse signature.
-- a new correction now costs 5 rows written: its row, the index entry below, and the day's counters
-- for everyone, its label and its sender; its deletion after the retention period 2.

-- who sent it, as a pseudonym: the first 16 hex digits of SHA-256 over the sender's network (an IPv4
-- address, or an IPv6 /48), the UTC day and FEEDBACK_SOURCE_SECRET. the same sender on the same day
-- has the same one (npm run feedback:export groups by it, so a flood stands out); the next day it
-- changes. NULL for rows from no address (wrangler dev's loopback) or from before this migration.
ALTER TABLE feedback ADD COLUMN source TEXT;
-- the 28×28 as 14×14 blocks of 16 levels of ink (196 bytes, worker/near-duplicate.ts), and their sum
ALTER TABLE feedback ADD COLUMN signature BLOB;
ALTER TABLE feedback ADD COLUMN ink INTEGER;

-- the day's corrections whose ink is close to a new one's: the only ones it can be a near-duplicate
-- of (signatures differ by at least their ink's difference), read without scanning the table
CREATE INDEX feedback_day_ink ON feedback (substr(created_at, 1, 10), ink);

-- per UTC day and label: so that one digit cannot fill the day
CREATE TABLE feedback_label_days (
  day TEXT NOT NULL,
  label INTEGER NOT NULL,
  stored INTEGER NOT NULL,
  PRIMARY KEY (day, label)
) STRICT, WITHOUT ROWID;

-- per UTC day and sender: corrections stored plus near-duplicates answered (each costs a search), so
-- that one sender cannot fill the day, or spend the database's reads on near-duplicates
CREATE TABLE feedback_source_days (
  day TEXT NOT NULL,
  source TEXT NOT NULL,
  used INTEGER NOT NULL,
  PRIMARY KEY (day, source)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER feedback_count_label AFTER INSERT ON feedback
BEGIN
  INSERT INTO feedback_label_days (day, label, stored) VALUES (substr(NEW.created_at, 1, 10), NEW.label, 1)
    ON CONFLICT (day, label) DO UPDATE SET stored = stored + 1;
END;

CREATE TRIGGER feedback_count_source AFTER INSERT ON feedback WHEN NEW.source IS NOT NULL
BEGIN
  INSERT INTO feedback_source_days (day, source, used) VALUES (substr(NEW.created_at, 1, 10), NEW.source, 1)
    ON CONFLICT (day, source) DO UPDATE SET used = used + 1;
END;

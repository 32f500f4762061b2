-- corrections people send with POST /feedback (worker/feedback.ts), read by npm run feedback:export.
-- sized for D1's free plan (100,000 rows written a day): a new correction costs 2 rows written (its
-- row and its day's counter), a duplicate none, its deletion after the retention period 1 more.
-- there is no secondary index: each would add a row written to every insert and every deletion.

-- one row per distinct drawing. WITHOUT ROWID makes the primary key the table's own b-tree, so the
-- duplicate check costs no index of its own (a rowid table with a UNIQUE hash would write 2 rows).
CREATE TABLE feedback (
  hash TEXT NOT NULL PRIMARY KEY,   -- the first 32 hex digits of SHA-256 over the 784 pixel bytes
  pixels BLOB NOT NULL,             -- (D = 784) bytes 0..255, row-major 28×28, ink bright on black
  label INTEGER NOT NULL CHECK (label BETWEEN 0 AND 9),
  predicted INTEGER CHECK (predicted BETWEEN 0 AND 9),
  model_version TEXT,
  created_at TEXT NOT NULL          -- ISO 8601 UTC, e.g. 2026-11-29T21:14:12.609Z
) STRICT, WITHOUT ROWID;

-- corrections stored per UTC day, for the daily cap: one row read per request instead of counting
-- the day's rows (which would need an index on created_at and read up to the cap every time).
CREATE TABLE feedback_days (
  day TEXT NOT NULL PRIMARY KEY,    -- YYYY-MM-DD
  stored INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- kept by the database itself, so rows added any other way (wrangler d1 execute) count too
CREATE TRIGGER feedback_count_day AFTER INSERT ON feedback
BEGIN
  INSERT INTO feedback_days (day, stored) VALUES (substr(NEW.created_at, 1, 10), 1)
    ON CONFLICT (day) DO UPDATE SET stored = stored + 1;
END;

// The shard's SQLite tables: the effect log (AOF) the checkpointed per-key rows and the
// script cache.

export function createSchema(sql: SqlStorage): void {
  // One log entry is the effects of one batch, in RESP; `part` splits entries over the row limit.
  sql.exec(`CREATE TABLE IF NOT EXISTS effect_log (
    seq INTEGER NOT NULL, part INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (seq, part))`);
  // One row per key holding the core's DUMP payload (type, absolute expiry, value, checksum).
  sql.exec(`CREATE TABLE IF NOT EXISTS key_rows (
    key BLOB NOT NULL, part INTEGER NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (key, part))`);
  // A replica's snapshot while it arrives in chunks, moved to key_rows when the last one does.
  sql.exec(`CREATE TABLE IF NOT EXISTS snapshot_rows (
    key BLOB NOT NULL, part INTEGER NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (key, part))`);
  // Only the rare values split over several rows are in it, so it costs the common row nothing and
  // tells a checkpoint at once whether rewriting a key may leave parts of an older value behind.
  sql.exec("CREATE INDEX IF NOT EXISTS key_rows_parts ON key_rows (key) WHERE part > 0");
  // Scripts loaded with SCRIPT LOAD, by lowercase sha1 (EVALSHA works after a restart).
  sql.exec(`CREATE TABLE IF NOT EXISTS scripts (sha TEXT PRIMARY KEY, body BLOB NOT NULL)`);
  // The log's offsets outlive its trims (`trimmed_through`), so replication offsets never go back; a replica
  // records its primary's name (`replica_of`).
  sql.exec(`CREATE TABLE IF NOT EXISTS log_meta (name TEXT PRIMARY KEY, value NOT NULL)`);
}

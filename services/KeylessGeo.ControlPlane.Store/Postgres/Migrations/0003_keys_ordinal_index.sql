-- Keyservers re-sync from a snapshot read a page at a time, in ordinal key id order
-- (ReadSnapshotPageAsync): this index serves "key_id > $1 ORDER BY key_id LIMIT n" in that order
-- whatever the database's collation, so each page costs its own rows, not a sort of every key.
CREATE INDEX keys_key_id_ordinal ON keys (key_id COLLATE "C");

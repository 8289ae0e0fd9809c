-- Each keyserver's view of its Orleans cluster, carried by its lease: the cluster id and the
-- keyserver ids the cluster lists as active. Rows written before this migration have none.
ALTER TABLE leases
    ADD COLUMN cluster_id text NOT NULL DEFAULT '',
    ADD COLUMN cluster_members text[] NOT NULL DEFAULT '{}';

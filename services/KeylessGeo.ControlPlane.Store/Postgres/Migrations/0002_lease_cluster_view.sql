-- Each keyserver's view of its Orleans cluster, carried by its lease: the cluster id, the
-- keyserver ids the cluster lists as active, and the membership version they were read at.
-- Rows written before this migration have no view.
ALTER TABLE leases
    ADD COLUMN cluster_id text NOT NULL DEFAULT '',
    ADD COLUMN cluster_members text[] NOT NULL DEFAULT '{}',
    ADD COLUMN cluster_version bigint NOT NULL DEFAULT 0;

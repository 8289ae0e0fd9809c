-- KeylessGeo control-plane store, schema version 1.
-- Applied by PostgresMigrator inside one transaction under an advisory lock; never edit a
-- migration that has shipped: add the next numbered file instead.

-- The single row every commit locks (SELECT ... FOR UPDATE): commits serialize on it, and a
-- commit whose expected revision is stale sees the newer revision here and changes nothing.
CREATE TABLE store_revision (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    revision bigint NOT NULL,
    -- The newest revision whose change records were dropped from retention (0: none).
    changes_truncated_through bigint NOT NULL DEFAULT 0,
    -- How many rows "changes" holds, so retention needs no count(*).
    retained_changes bigint NOT NULL DEFAULT 0
);
INSERT INTO store_revision (singleton, revision) VALUES (true, 0);

CREATE TABLE datacenters (
    id text PRIMARY KEY,
    region text NOT NULL,
    country text NOT NULL,
    tier text NOT NULL,
    labels text[] NOT NULL
);

CREATE TABLE wrapping_keys (
    datacenter_id text PRIMARY KEY,
    fingerprint text NOT NULL,
    public_key bytea NOT NULL,
    registered_at timestamptz NOT NULL
);

CREATE TABLE policies (
    id text PRIMARY KEY,
    version bigint NOT NULL,
    text text NOT NULL,
    author text NOT NULL,
    comment text NOT NULL,
    updated_at timestamptz NOT NULL,
    key_generation integer NOT NULL,
    permitted_datacenters text[] NOT NULL,
    -- The policy key wrapped to the control plane's own wrapping key.
    control_plane_fingerprint text NOT NULL,
    control_plane_blob bytea NOT NULL
);

-- A policy's key wrapped to each permitted datacenter, in the order the control plane gave.
CREATE TABLE policy_wrapped_keys (
    policy_id text NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
    ordinal integer NOT NULL,
    datacenter_id text NOT NULL,
    wrapping_key_fingerprint text NOT NULL,
    blob bytea NOT NULL,
    PRIMARY KEY (policy_id, ordinal)
);

CREATE TABLE keys (
    key_id text PRIMARY KEY,
    policy_id text NOT NULL,
    version integer NOT NULL,
    algorithm text NOT NULL,
    subject_public_key_info bytea NOT NULL,
    ski bytea NOT NULL,
    cert_digest bytea,
    certificate_pem text,
    host_names text[] NOT NULL,
    policy_key_generation integer NOT NULL,
    wrapped_private_key bytea NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Keyserver registrations, stamped with the database clock; live while expires_at > now().
CREATE TABLE leases (
    keyserver_id text PRIMARY KEY,
    datacenter_id text NOT NULL,
    endpoints text[] NOT NULL,
    capacity_names text[] NOT NULL,
    capacity_values double precision[] NOT NULL,
    accelerator text NOT NULL,
    applied_revision bigint NOT NULL,
    renewed_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

-- The hash-chained audit log (see AuditChain). occurred_at holds whole milliseconds.
CREATE TABLE audit_log (
    sequence bigint PRIMARY KEY,
    revision bigint NOT NULL,
    occurred_at timestamptz NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    subject text NOT NULL,
    details text NOT NULL,
    previous_hash bytea NOT NULL,
    hash bytea NOT NULL
);

-- The change feed: one row per record a commit touched, in the commit's order.
CREATE TABLE changes (
    revision bigint NOT NULL,
    ordinal integer NOT NULL,
    kind text NOT NULL,
    record_id text NOT NULL,
    deleted boolean NOT NULL,
    PRIMARY KEY (revision, ordinal)
);

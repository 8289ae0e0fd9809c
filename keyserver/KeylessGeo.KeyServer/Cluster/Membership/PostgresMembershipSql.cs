namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// The SQL of <see cref="PostgresMembershipTable"/>, written for this project. Two tables in the
/// control-plane database: one version row per cluster, and one row per silo that belongs to
/// it (deleted with it). The silo's entry is kept as JSON, with the columns the table filters on
/// beside it; <c>i_am_alive_time</c> is authoritative over the JSON's copy, so an I-am-alive
/// update is one column write.
/// </summary>
internal static class PostgresMembershipSql
{
    /// <summary>The advisory lock key ("KGMB" in ASCII) that serializes schema creation.</summary>
    public const long SchemaLockKey = 0x4B47_4D42;

    /// <summary>Creates the version table when missing (run under <see cref="SchemaLockKey"/>: concurrent CREATE TABLE IF NOT EXISTS can still collide).</summary>
    public const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS keyserver_membership_version (
            cluster_id text PRIMARY KEY,
            version integer NOT NULL CHECK (version >= 0),
            version_etag text NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    /// <summary>Creates the silo table when missing (under <see cref="SchemaLockKey"/>, after <see cref="CreateVersionTable"/>).</summary>
    public const string CreateSiloTable = """
        CREATE TABLE IF NOT EXISTS keyserver_membership_silo (
            cluster_id text NOT NULL REFERENCES keyserver_membership_version (cluster_id) ON DELETE CASCADE,
            silo_address text NOT NULL,
            etag text NOT NULL,
            status text NOT NULL,
            start_time timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            last_suspect_time timestamptz NULL,
            entry jsonb NOT NULL,
            PRIMARY KEY (cluster_id, silo_address)
        )
        """;

    /// <summary>Takes the schema lock for the current transaction.</summary>
    public const string LockSchema = "SELECT pg_advisory_xact_lock($1)";

    /// <summary>$1 cluster: creates the cluster's version row at version 0 unless it exists.</summary>
    public const string EnsureVersion = """
        INSERT INTO keyserver_membership_version (cluster_id, version, version_etag) VALUES ($1, 0, '0')
        ON CONFLICT (cluster_id) DO NOTHING
        """;

    /// <summary>
    /// $1 cluster, $2 new version, $3 new version etag, $4 the version etag the caller read:
    /// moves the version on only from the one the caller read (one row, or none on a conflict).
    /// The row lock makes a concurrent writer wait, then find the etag changed.
    /// </summary>
    public const string BumpVersion = """
        UPDATE keyserver_membership_version
        SET version = $2, version_etag = $3, updated_at = now()
        WHERE cluster_id = $1 AND version = $2 - 1 AND version_etag = $4
        """;

    /// <summary>$1 cluster, $2 silo, $3 etag, $4 status, $5 start, $6 I-am-alive, $7 last suspicion, $8 entry: inserts unless the silo has a row.</summary>
    public const string InsertSilo = """
        INSERT INTO keyserver_membership_silo
            (cluster_id, silo_address, etag, status, start_time, i_am_alive_time, last_suspect_time, entry)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (cluster_id, silo_address) DO NOTHING
        """;

    /// <summary>Parameters as <see cref="InsertSilo"/>, plus $9 the row etag the caller read.</summary>
    public const string UpdateSilo = """
        UPDATE keyserver_membership_silo
        SET etag = $3, status = $4, start_time = $5, i_am_alive_time = $6, last_suspect_time = $7, entry = $8
        WHERE cluster_id = $1 AND silo_address = $2 AND etag = $9
        """;

    /// <summary>$1 cluster, $2 silo, $3 time: the dirty I-am-alive write (no version, no etag).</summary>
    public const string UpdateIAmAlive = """
        UPDATE keyserver_membership_silo SET i_am_alive_time = $3
        WHERE cluster_id = $1 AND silo_address = $2
        """;

    /// <summary>$1 cluster: the version and every silo, in one statement (one snapshot); no rows when the cluster has none.</summary>
    public const string ReadAll = """
        SELECT v.version, v.version_etag, s.etag, s.entry, s.i_am_alive_time
        FROM keyserver_membership_version v
        LEFT JOIN keyserver_membership_silo s ON s.cluster_id = v.cluster_id
        WHERE v.cluster_id = $1
        """;

    /// <summary>$1 cluster, $2 silo: the version and that silo's row, in one statement.</summary>
    public const string ReadRow = """
        SELECT v.version, v.version_etag, s.etag, s.entry, s.i_am_alive_time
        FROM keyserver_membership_version v
        LEFT JOIN keyserver_membership_silo s ON s.cluster_id = v.cluster_id AND s.silo_address = $2
        WHERE v.cluster_id = $1
        """;

    /// <summary>$1 cluster, $2 cut-off: deletes silos not Active and not updated since the cut-off (GREATEST ignores a missing suspicion).</summary>
    public const string CleanupDefunct = """
        DELETE FROM keyserver_membership_silo
        WHERE cluster_id = $1 AND status <> 'Active'
          AND GREATEST(start_time, i_am_alive_time, last_suspect_time) < $2
        """;

    /// <summary>$1 cluster: deletes the cluster's version row and, with it, its silos.</summary>
    public const string DeleteCluster = "DELETE FROM keyserver_membership_version WHERE cluster_id = $1";
}

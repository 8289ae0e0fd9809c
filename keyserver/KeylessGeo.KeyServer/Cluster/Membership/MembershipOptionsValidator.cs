using KeylessGeo.ControlPlane.Store;
using Npgsql;
using StackExchange.Redis;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// Checks <see cref="MembershipOptions"/> against the control-plane store they may borrow a
/// directory or a connection string from. Called from the cluster options validator; every
/// problem names its configuration key and never echoes a connection string's value.
/// </summary>
public static class MembershipOptionsValidator
{
    private const string Prefix = "Cluster:Membership:";

    /// <summary>Every problem with <paramref name="options"/>; empty when they are usable.</summary>
    public static IEnumerable<string> Problems(MembershipOptions? options, ControlPlaneStoreOptions? store)
    {
        if (options is null)
        {
            return ["Cluster:Membership is required when Cluster:Enabled is true."];
        }

        var problems = new List<string>();
        if (options.IsEmbedded)
        {
            CheckEmbedded(problems, options, store);
        }
        else if (options.IsPostgres)
        {
            CheckPostgres(problems, options, store);
        }
        else if (options.IsRedis)
        {
            CheckRedis(problems, options);
        }
        else
        {
            problems.Add($"{Prefix}Kind must be '{MembershipOptions.EmbeddedKind}', '{MembershipOptions.PostgresKind}' or '{MembershipOptions.RedisKind}', got '{options.Kind}'.");
        }

        return problems;
    }

    private static void CheckEmbedded(List<string> problems, MembershipOptions options, ControlPlaneStoreOptions? store)
    {
        var directory = options.ResolveDirectory(store);
        if (directory is null)
        {
            problems.Add($"{Prefix}Directory is required when {Prefix}Kind is '{MembershipOptions.EmbeddedKind}' and the control-plane store is not embedded (Cluster:Store:Kind is '{store?.Kind}'); every keyserver of this machine must name the same directory.");
        }
        else if (File.Exists(directory))
        {
            problems.Add($"{Prefix}Directory '{directory}' is a file; name a directory (created 0700 when missing).");
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            problems.Add($"{Prefix}ConnectionString is set, but {Prefix}Kind is '{MembershipOptions.EmbeddedKind}' (set Kind to '{MembershipOptions.PostgresKind}' or '{MembershipOptions.RedisKind}' to use it).");
        }
    }

    private static void CheckPostgres(List<string> problems, MembershipOptions options, ControlPlaneStoreOptions? store)
    {
        var connectionString = options.ResolvePostgresConnectionString(store);
        if (connectionString is null)
        {
            problems.Add($"{Prefix}ConnectionString is required when {Prefix}Kind is '{MembershipOptions.PostgresKind}' and the control-plane store is not PostgreSQL (Cluster:Store:Kind is '{store?.Kind}').");
        }
        else
        {
            try
            {
                if (string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(connectionString).Host))
                {
                    problems.Add($"{Prefix}ConnectionString names no Host.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                // The message names the bad keyword, never the value (which may be a password).
                problems.Add($"{Prefix}ConnectionString is not a valid Npgsql connection string ({e.Message}).");
            }
        }

        RejectDirectory(problems, options, MembershipOptions.PostgresKind);
    }

    private static void CheckRedis(List<string> problems, MembershipOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            problems.Add($"{Prefix}ConnectionString is required when {Prefix}Kind is '{MembershipOptions.RedisKind}': a StackExchange.Redis configuration string such as 'redis1:6379,redis2:6379,ssl=true'.");
        }
        else
        {
            try
            {
                if (ConfigurationOptions.Parse(options.ConnectionString).EndPoints.Count == 0)
                {
                    problems.Add($"{Prefix}ConnectionString names no Redis endpoint (host:port).");
                }
            }
            catch (ArgumentException e)
            {
                // StackExchange.Redis names the unknown keyword, not the value of a known one.
                problems.Add($"{Prefix}ConnectionString is not a valid StackExchange.Redis configuration string ({e.Message}).");
            }
        }

        RejectDirectory(problems, options, MembershipOptions.RedisKind);
    }

    private static void RejectDirectory(List<string> problems, MembershipOptions options, string kind)
    {
        if (!string.IsNullOrWhiteSpace(options.Directory))
        {
            problems.Add($"{Prefix}Directory is set, but {Prefix}Kind is '{kind}' (the directory is used only by '{MembershipOptions.EmbeddedKind}').");
        }
    }
}

using System.Collections.Frozen;

namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>
/// Every setting gokeyless's configuration file documents (its <c>Config</c> type and sample
/// <c>gokeyless.yaml</c>), with its type. Anything else in the file is an error.
/// </summary>
internal static class GokeylessKeys
{
    /// <summary>gokeyless reads every setting from <c>KEYLESS_</c> + its name in capitals, over the file.</summary>
    public const string EnvironmentPrefix = "KEYLESS_";

    public const string LogLevel = "loglevel";
    public const string Hostname = "hostname";
    public const string ZoneId = "zone_id";
    public const string OriginCaApiKey = "origin_ca_api_key";
    public const string InitEndpoint = "init_endpoint";
    public const string AuthCert = "auth_cert";
    public const string AuthKey = "auth_key";
    public const string AuthCsr = "auth_csr";
    public const string CloudflareCaCert = "cloudflare_ca_cert";
    public const string Port = "port";
    public const string MetricsPort = "metrics_port";
    public const string PidFile = "pid_file";
    public const string CurrentTime = "current_time";
    public const string TracingEnabled = "tracing_enabled";
    public const string TracingAddress = "tracing_address";
    public const string TracingSampleRate = "tracing_sample_rate";
    public const string SignTimeout = "sign_timeout";
    public const string SignRetryCount = "sign_retry_count";

    /// <summary>The list of key stores, each with exactly one of <c>dir</c>, <c>file</c>, <c>uri</c>.</summary>
    public const string PrivateKeyStores = "private_key_stores";

    /// <summary>Comma-separated key folders that replace <c>private_key_stores</c> (gokeyless's <c>--private-key-dirs</c>).</summary>
    public const string PrivateKeyDirsVariable = EnvironmentPrefix + "PRIVATE_KEY_DIRS";

    /// <summary>Comma-separated key files that replace <c>private_key_stores</c> (gokeyless's <c>--private-key-files</c>).</summary>
    public const string PrivateKeyFilesVariable = EnvironmentPrefix + "PRIVATE_KEY_FILES";

    /// <summary>The keys of one <c>private_key_stores</c> entry.</summary>
    public static readonly FrozenSet<string> StoreKeys = FrozenSet.ToFrozenSet(["dir", "file", "uri"], StringComparer.Ordinal);

    /// <summary>The scalar settings by name.</summary>
    public static readonly FrozenDictionary<string, GokeylessKey> Scalars = new GokeylessKey[]
    {
        new(LogLevel, GokeylessValueKind.Integer),
        new(Hostname, GokeylessValueKind.Text),
        new(ZoneId, GokeylessValueKind.Text),
        new(OriginCaApiKey, GokeylessValueKind.Text, Secret: true),
        new(InitEndpoint, GokeylessValueKind.Text),
        new(AuthCert, GokeylessValueKind.Path),
        new(AuthKey, GokeylessValueKind.Path),
        new(AuthCsr, GokeylessValueKind.Path),
        new(CloudflareCaCert, GokeylessValueKind.Path),
        new(Port, GokeylessValueKind.Integer),
        new(MetricsPort, GokeylessValueKind.Integer),
        new(PidFile, GokeylessValueKind.Path),
        new(CurrentTime, GokeylessValueKind.Text),
        new(TracingEnabled, GokeylessValueKind.Boolean),
        new(TracingAddress, GokeylessValueKind.Text),
        new(TracingSampleRate, GokeylessValueKind.Number),
        new(SignTimeout, GokeylessValueKind.Text),
        new(SignRetryCount, GokeylessValueKind.Integer),
    }.ToFrozenDictionary(key => key.Name, StringComparer.Ordinal);

    /// <summary>gokeyless's command-line flags (hyphens as underscores), which this keyserver does not read.</summary>
    public static readonly FrozenSet<string> Flags = FrozenSet.ToFrozenSet(
        [.. Scalars.Keys, "private_key_dirs", "private_key_files", "manual_activation", "config_only", "version", "help", "keystore_debug", "output_config"],
        StringComparer.Ordinal);
}

using System.Globalization;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.Telemetry;
using KeylessGeo.Serving.Hosting;
using KeylessGeo.Serving.Keyless;

namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>
/// Turns gokeyless settings into this keyserver's configuration keys, applying gokeyless's
/// defaults for what is not set. What the keyserver cannot honour is an error when ignoring it
/// would change what is served or who relies on it, and a warning when it only concerns a
/// feature the keyserver does without (see docs/MIGRATING.md for the table).
/// </summary>
internal static class GokeylessMapper
{
    /// <summary>The datacenter reported in <c>served_by</c> when no other configuration names one.</summary>
    public const string DefaultDatacenter = "local";

    /// <summary>gokeyless's default Prometheus port.</summary>
    public const int DefaultMetricsPort = 2406;

    /// <summary>Where the Prometheus port goes (implemented by the keyserver's telemetry).</summary>
    public const string PrometheusPortKey = TelemetryOptions.SectionName + ":Prometheus:Port";

    /// <summary>Where PKCS#11 key URIs go (implemented by the keyserver's PKCS#11 key source).</summary>
    public const string Pkcs11UrisKey = KeyServerOptions.SectionName + ":Pkcs11:Uris";

    /// <summary>Maps <paramref name="settings"/>; problems are added to <see cref="GokeylessSettings.Errors"/>.</summary>
    public static GokeylessMapping Map(GokeylessSettings settings, string baseDirectory, string machineName)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [KeyServerOptions.SectionName + ":Id"] = settings.Text(GokeylessKeys.Hostname) ?? machineName,
            [KeyServerOptions.SectionName + ":Datacenter"] = DefaultDatacenter,

            // gokeyless's defaults are files in its working folder, which its packages make /etc/keyless.
            [ListenOptions.SectionName + ":CertificatePath"] = settings.Text(GokeylessKeys.AuthCert) ?? Path.Combine(baseDirectory, "server.pem"),
            [ListenOptions.SectionName + ":KeyPath"] = settings.Text(GokeylessKeys.AuthKey) ?? Path.Combine(baseDirectory, "server-key.pem"),
            [ListenOptions.SectionName + ":ClientCaPath"] = settings.Text(GokeylessKeys.CloudflareCaCert) ?? Path.Combine(baseDirectory, "keyless_cacert.pem"),

            // gokeyless listens on every address.
            [KeylessOptions.SectionName + ":Address"] = "0.0.0.0",
        };
        var errors = settings.Errors;
        var warnings = new List<string>();
        var stores = MapStores(settings, data, errors);
        var port = Port(settings, GokeylessKeys.Port, KeylessOptions.DefaultPort, errors);
        var metricsPort = Port(settings, GokeylessKeys.MetricsPort, DefaultMetricsPort, errors);
        data[KeylessOptions.SectionName + ":Port"] = port.ToString(CultureInfo.InvariantCulture);
        data[PrometheusPortKey] = metricsPort.ToString(CultureInfo.InvariantCulture);
        if (port == metricsPort && port != 0)
        {
            errors.Add($"{settings.Origin(GokeylessKeys.MetricsPort)}: metrics_port and port are both {port}; they must differ.");
        }

        MapLogLevel(settings, data, errors);
        MapSignTimeout(settings, data, errors);
        Unsupported(settings, warnings, errors);
        return new GokeylessMapping { Data = data, Warnings = warnings, Stores = stores };
    }

    private static (int, int) MapStores(GokeylessSettings settings, Dictionary<string, string?> data, List<string> errors)
    {
        int directories = 0, uris = 0;
        foreach (var store in settings.Stores ?? [])
        {
            switch (store.Kind)
            {
                case "dir":
                    data[$"{KeyServerOptions.SectionName}:KeysDirectories:{directories++}"] = store.Value;
                    break;
                case "file":
                    errors.Add($"{store.Origin}: single key files ('file: {store.Value}') are not supported; put the key (with its .crt or .pub) in a folder listed with 'dir:'.");
                    break;
                case "uri" when store.Value.StartsWith("pkcs11:", StringComparison.OrdinalIgnoreCase):
                    data[$"{Pkcs11UrisKey}:{uris++}"] = store.Value;
                    break;
                default:
                    errors.Add($"{store.Origin}: {UnsupportedUri(store.Value)}");
                    break;
            }
        }

        return (directories, uris);
    }

    private static string UnsupportedUri(string uri)
    {
        // Only the part before any query is repeated: a query may carry credentials.
        var shown = uri.Split('?', 2)[0];
        if (uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && shown.Contains(".azure.net", StringComparison.OrdinalIgnoreCase))
        {
            return $"Azure Key Vault and Managed HSM keys ('{shown}') are not supported; only pkcs11: URIs and key folders are.";
        }

        return shown.StartsWith("projects/", StringComparison.Ordinal)
            ? $"Google Cloud KMS keys ('{shown}') are not supported; only pkcs11: URIs and key folders are."
            : $"the key store URI '{shown}' is not supported; only pkcs11: URIs (RFC 7512) and key folders are.";
    }

    private static int Port(GokeylessSettings settings, string key, int fallback, List<string> errors)
    {
        if (settings.Integer(key) is not { } port)
        {
            return fallback;
        }

        if (port is < 0 or > 65535)
        {
            errors.Add($"{settings.Origin(key)}: {key} must be between 0 and 65535, got {port}.");
            return fallback;
        }

        return (int)port;
    }

    private static void MapLogLevel(GokeylessSettings settings, Dictionary<string, string?> data, List<string> errors)
    {
        if (settings.Integer(GokeylessKeys.LogLevel) is not { } level)
        {
            return;
        }

        // gokeyless's levels: 0 debug, 1 info, 2 warning, 3 error, 4 critical, 5 fatal.
        string? mapped = level switch
        {
            0 => "Debug",
            1 => "Information",
            2 => "Warning",
            3 => "Error",
            4 or 5 => "Critical",
            _ => null,
        };
        if (mapped is null)
        {
            errors.Add($"{settings.Origin(GokeylessKeys.LogLevel)}: loglevel must be between 0 (debug) and 5 (fatal), got {level}.");
            return;
        }

        data["Logging:LogLevel:Default"] = mapped;
    }

    private static void MapSignTimeout(GokeylessSettings settings, Dictionary<string, string?> data, List<string> errors)
    {
        if (settings.Text(GokeylessKeys.SignTimeout) is not { } text)
        {
            return;
        }

        if (GoDuration.TryParse(text) is not { } timeout || timeout <= TimeSpan.Zero)
        {
            errors.Add($"{settings.Origin(GokeylessKeys.SignTimeout)}: sign_timeout must be a positive duration such as 500ms or 2s, got '{text}'.");
            return;
        }

        // Keyless requests carry no deadline of their own, so the default deadline is what bounds them.
        data[KeyServerOptions.SectionName + ":Admission:DefaultDeadline"] = timeout.ToString("c", CultureInfo.InvariantCulture);
    }

    private static void Unsupported(GokeylessSettings settings, List<string> warnings, List<string> errors)
    {
        foreach (var key in new[] { GokeylessKeys.ZoneId, GokeylessKeys.OriginCaApiKey, GokeylessKeys.InitEndpoint })
        {
            if (settings.Has(key))
            {
                warnings.Add($"{settings.Origin(key)}: {key} is not used: this keyserver never asks Cloudflare's API for its certificate; auth_cert and auth_key must already hold an issued certificate and its key.");
            }
        }

        if (settings.Has(GokeylessKeys.AuthCsr))
        {
            warnings.Add($"{settings.Origin(GokeylessKeys.AuthCsr)}: auth_csr is not used: this keyserver never generates its own key and certificate request.");
        }

        if (settings.Boolean(GokeylessKeys.TracingEnabled) == true)
        {
            warnings.Add($"{settings.Origin(GokeylessKeys.TracingEnabled)}: tracing_enabled is not used: this keyserver sends no Jaeger traces; its metrics go to Prometheus (metrics_port) and OTLP (Telemetry:OtlpEndpoint).");
        }

        if (settings.Integer(GokeylessKeys.SignRetryCount) is > 0)
        {
            warnings.Add($"{settings.Origin(GokeylessKeys.SignRetryCount)}: sign_retry_count is not used: a failed private-key operation is answered with its error, not retried.");
        }

        if (settings.Text(GokeylessKeys.PidFile) is { } pidFile)
        {
            errors.Add($"{settings.Origin(GokeylessKeys.PidFile)}: pid_file '{pidFile}' is not supported: this keyserver writes no PID file; remove the setting (under systemd the unit knows the PID: systemctl reload/kill).");
        }

        if (settings.Has(GokeylessKeys.CurrentTime))
        {
            errors.Add($"{settings.Origin(GokeylessKeys.CurrentTime)}: current_time (a fixed clock for certificate checks, for testing) is not supported; remove it.");
        }
    }
}

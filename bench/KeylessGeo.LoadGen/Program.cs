using System.Globalization;
using System.Security.Authentication;
using System.Text.Json;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Transport.Channels;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.LoadGen;

/// <summary>
/// <c>KeylessGeo.LoadGen --address https://localhost:7443 --ca ca.crt --cert client.crt --key client.key
/// --key-id demo-ecdsa-p256 --operation EcdsaSha256 --mode stream --connections 1 --inflight 64
/// --duration 10 --warmup 2 --timeout-ms 2000</c>: prints one JSON line with throughput and latency percentiles.
/// Keyless protocol: <c>--mode keyless|keyless-flood --address https://localhost:2407
/// --public-key keys/demo-ecdsa-p256.crt [--tls 1.2|1.3] [--pad true|false]</c>.
/// </summary>
public static class Program
{
    /// <summary>Runs one load scenario.</summary>
    public static async Task<int> Main(string[] args)
    {
        LoadSettings settings;
        try
        {
            settings = Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            await Console.Error.WriteLineAsync("loadgen: " + ex.Message);
            return 2;
        }

        var client = MutualTls.LoadPem(settings.CertificatePath, settings.KeyPath);
        var ca = MutualTls.LoadPemBundle(settings.CaPath);
        var recorders = new LatencyRecorder[settings.Connections];
        using var stop = new CancellationTokenSource();
        var workers = new Task[settings.Connections];
        var disposables = new List<IAsyncDisposable>();
        var target = settings.IsKeyless ? KeylessTarget.Create(settings.Operation, settings.PublicKeyPath, settings.Pad) : null;
        for (var i = 0; i < workers.Length; i++)
        {
            recorders[i] = new LatencyRecorder();
            if (target is not null)
            {
                var connection = await KeylessConnection.ConnectAsync(settings.Address.Host, settings.Address.Port, client, ca, settings.Tls);
                disposables.Add(connection);
                workers[i] = settings.Mode == "keyless-flood"
                    ? KeylessWorkers.RunFloodAsync(connection, target, recorders[i], stop.Token)
                    : KeylessWorkers.RunClosedLoopAsync(connection, target, settings, recorders[i], stop.Token);
                continue;
            }

            // One channel (so one HTTP/2 connection) per worker, as --connections promises.
            var channel = GrpcChannelFactory.Create(new ChannelSettings { Address = settings.Address.GetLeftPart(UriPartial.Authority), ClientCertificate = client, TrustedCa = ca });
            disposables.Add(new DisposeAsync(channel.Dispose));
            workers[i] = settings.Mode == "unary"
                ? LoadWorkers.RunUnaryAsync(channel, settings, recorders[i], stop.Token)
                : LoadWorkers.RunStreamAsync(channel, settings, recorders[i], stop.Token);
        }

        await Task.Delay(settings.Warmup);
        LatencyRecorder.Measuring = true;
        var serverCpu = ServerCpu.StartFromEnvironment();
        var started = TimeProvider.System.GetTimestamp();
        await Task.Delay(settings.Duration);
        LatencyRecorder.Measuring = false;
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var serverCpuSeconds = serverCpu?.ElapsedSeconds();
        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        foreach (var disposable in disposables)
        {
            await disposable.DisposeAsync();
        }

        var total = new LatencyRecorder();
        total.Absorb(recorders);
        var latencies = LatencyRecorder.MergeMicroseconds([total]);
        var errors = total.Errors;
        var answered = latencies.Length + errors.Values.Sum();

        var report = new
        {
            mode = settings.Mode,
            tls = settings.IsKeyless ? (settings.Tls == SslProtocols.Tls12 ? "1.2" : "1.3") : null,
            operation = settings.Operation.ToString(),
            connections = settings.Connections,
            inflight = settings.InFlight,
            seconds = Math.Round(elapsed.TotalSeconds, 2),
            ops = latencies.Length,
            ops_per_second = Math.Round(latencies.Length / elapsed.TotalSeconds),
            answered_per_second = Math.Round(answered / elapsed.TotalSeconds),
            p50_us = Math.Round(LatencyRecorder.Percentile(latencies, 0.50)),
            p99_us = Math.Round(LatencyRecorder.Percentile(latencies, 0.99)),
            p999_us = Math.Round(LatencyRecorder.Percentile(latencies, 0.999)),
            errors,
            server_cpu_us_per_op = serverCpuSeconds is { } cpu && answered > 0 ? Math.Round(cpu * 1e6 / answered, 1) : (double?)null,
        };
        Console.WriteLine(JsonSerializer.Serialize(report));
        return latencies.Length > 0 ? 0 : 1;
    }

    private static LoadSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value' pairs, got '{args[i]}'");
            }

            values[args[i][2..]] = args[++i];
        }

        var mode = values.GetValueOrDefault("mode", "stream");
        if (mode is not ("stream" or "unary" or "keyless" or "keyless-flood"))
        {
            throw new ArgumentException($"--mode must be 'stream', 'unary', 'keyless' or 'keyless-flood', got '{mode}'");
        }

        var keyless = mode.StartsWith("keyless", StringComparison.Ordinal);
        var tls = values.GetValueOrDefault("tls", "1.3") switch
        {
            "1.2" => SslProtocols.Tls12,
            "1.3" => SslProtocols.Tls13,
            var other => throw new ArgumentException($"--tls must be 1.2 or 1.3, got '{other}'"),
        };

        return new LoadSettings
        {
            Address = new Uri(values["address"]),
            CaPath = values["ca"],
            CertificatePath = values["cert"],
            KeyPath = values["key"],
            KeyId = keyless ? values.GetValueOrDefault("key-id", "") : values["key-id"],
            PublicKeyPath = keyless ? values["public-key"] : "",
            Tls = tls,
            Pad = bool.Parse(values.GetValueOrDefault("pad", "true")),
            Operation = Enum.Parse<Operation>(values.GetValueOrDefault("operation", nameof(Operation.EcdsaSha256))),
            Mode = mode,
            Connections = int.Parse(values.GetValueOrDefault("connections", keyless ? "8" : "1"), CultureInfo.InvariantCulture),
            InFlight = int.Parse(values.GetValueOrDefault("inflight", keyless ? "1" : "64"), CultureInfo.InvariantCulture),
            Duration = TimeSpan.FromSeconds(double.Parse(values.GetValueOrDefault("duration", "10"), CultureInfo.InvariantCulture)),
            Warmup = TimeSpan.FromSeconds(double.Parse(values.GetValueOrDefault("warmup", "2"), CultureInfo.InvariantCulture)),
            TimeoutMs = uint.Parse(values.GetValueOrDefault("timeout-ms", "2000"), CultureInfo.InvariantCulture),
        };
    }
}

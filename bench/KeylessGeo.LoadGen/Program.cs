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
/// --public-key keys/demo-ecdsa-p256.crt [--tls 1.2|1.3] [--pad true|false]</c>; <c>--mode keyless-rate
/// --rate 5000</c> is open loop at a fixed rate. To an edge agent: <c>--address tcp://127.0.0.1:2409</c>
/// or <c>unix:/run/keylessgeo/keyless.sock</c> (no TLS, no certificates); <c>LOADGEN_AGENT_PID</c>
/// adds the agent's CPU per operation and resident memory to the report.
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

        var client = settings.CertificatePath.Length > 0 ? MutualTls.LoadPem(settings.CertificatePath, settings.KeyPath) : null;
        var ca = settings.CaPath.Length > 0 ? MutualTls.LoadPemBundle(settings.CaPath) : null;
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
                var connection = settings.IsPlain
                    ? await KeylessConnection.ConnectPlainAsync(settings.Address)
                    : await KeylessConnection.ConnectAsync(settings.Address.Host, settings.Address.Port, client!, ca!, settings.Tls);
                disposables.Add(connection);
                workers[i] = settings.Mode switch
                {
                    "keyless-flood" => KeylessWorkers.RunFloodAsync(connection, target, recorders[i], stop.Token),
                    "keyless-rate" => KeylessOpenLoop.RunAsync(connection, target, settings.Rate / settings.Connections, recorders[i], stop.Token),
                    _ => KeylessWorkers.RunClosedLoopAsync(connection, target, settings, recorders[i], stop.Token),
                };
                continue;
            }

            // One channel (so one HTTP/2 connection) per worker, as --connections promises.
            var channel = GrpcChannelFactory.Create(new ChannelSettings
            {
                Address = settings.Address.Scheme == "unix" ? settings.Address.ToString() : settings.Address.GetLeftPart(UriPartial.Authority),
                ClientCertificate = client,
                TrustedCa = ca,
                AllowInsecure = settings.Address.Scheme == Uri.UriSchemeHttp,
            });
            disposables.Add(new DisposeAsync(channel.Dispose));
            workers[i] = settings.Mode == "unary"
                ? LoadWorkers.RunUnaryAsync(channel, settings, recorders[i], stop.Token)
                : LoadWorkers.RunStreamAsync(channel, settings, recorders[i], stop.Token);
        }

        await Task.Delay(settings.Warmup);
        LatencyRecorder.Measuring = true;
        var serverCpu = ServerCpu.StartFromEnvironment();
        var agentCpu = ServerCpu.StartFromEnvironment("LOADGEN_AGENT_PID");
        var started = TimeProvider.System.GetTimestamp();
        await Task.Delay(settings.Duration);
        LatencyRecorder.Measuring = false;
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var serverCpuSeconds = serverCpu?.ElapsedSeconds();
        var agentCpuSeconds = agentCpu?.ElapsedSeconds();
        var agentRss = ServerCpu.Pids("LOADGEN_AGENT_PID") is [var agentPid, ..] ? ProcessFigures.ResidentMiB(agentPid) : (double?)null;
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
            agent_cpu_us_per_op = agentCpuSeconds is { } agentSeconds && answered > 0 ? Math.Round(agentSeconds * 1e6 / answered, 1) : (double?)null,
            agent_rss_mib = agentRss,
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
        if (mode is not ("stream" or "unary" or "keyless" or "keyless-flood" or "keyless-rate"))
        {
            throw new ArgumentException($"--mode must be 'stream', 'unary', 'keyless', 'keyless-flood' or 'keyless-rate', got '{mode}'");
        }

        var address = new Uri(values["address"]);
        var plain = address.Scheme is "tcp" or "unix" or "http";
        var rate = double.Parse(values.GetValueOrDefault("rate", "0"), CultureInfo.InvariantCulture);
        if (mode == "keyless-rate" && rate <= 0)
        {
            throw new ArgumentException("--mode keyless-rate needs --rate, the requests per second in all");
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
            Address = address,
            CaPath = plain ? values.GetValueOrDefault("ca", "") : values["ca"],
            CertificatePath = plain ? values.GetValueOrDefault("cert", "") : values["cert"],
            KeyPath = plain ? values.GetValueOrDefault("key", "") : values["key"],
            Rate = rate,
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

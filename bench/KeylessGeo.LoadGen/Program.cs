using System.Globalization;
using System.Text.Json;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Rpc.Security;

namespace KeylessGeo.LoadGen;

/// <summary>
/// <c>KeylessGeo.LoadGen --address https://localhost:7443 --ca ca.crt --cert client.crt --key client.key
/// --key-id demo-ecdsa-p256 --operation EcdsaSha256 --mode stream --connections 1 --inflight 64
/// --duration 10 --warmup 2 --timeout-ms 2000</c>: prints one JSON line with throughput and latency percentiles.
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
        var channels = new RpcChannel[settings.Connections];
        var recorders = new LatencyRecorder[settings.Connections];
        using var stop = new CancellationTokenSource();
        var workers = new Task[settings.Connections];
        for (var i = 0; i < channels.Length; i++)
        {
            channels[i] = new RpcChannel(new RpcChannelOptions { Address = settings.Address, ClientCertificate = client, TrustedCa = ca });
            recorders[i] = new LatencyRecorder();
            workers[i] = settings.Mode == "unary"
                ? LoadWorkers.RunUnaryAsync(channels[i], settings, recorders[i], stop.Token)
                : LoadWorkers.RunStreamAsync(channels[i], settings, recorders[i], stop.Token);
        }

        await Task.Delay(settings.Warmup);
        LatencyRecorder.Measuring = true;
        var started = TimeProvider.System.GetTimestamp();
        await Task.Delay(settings.Duration);
        LatencyRecorder.Measuring = false;
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        var total = new LatencyRecorder();
        total.Absorb(recorders);
        var latencies = LatencyRecorder.MergeMicroseconds([total]);
        var errors = total.Errors;

        var report = new
        {
            mode = settings.Mode,
            operation = settings.Operation.ToString(),
            connections = settings.Connections,
            inflight = settings.InFlight,
            seconds = Math.Round(elapsed.TotalSeconds, 2),
            ops = latencies.Length,
            ops_per_second = Math.Round(latencies.Length / elapsed.TotalSeconds),
            p50_us = Math.Round(LatencyRecorder.Percentile(latencies, 0.50)),
            p99_us = Math.Round(LatencyRecorder.Percentile(latencies, 0.99)),
            p999_us = Math.Round(LatencyRecorder.Percentile(latencies, 0.999)),
            errors,
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
        if (mode is not ("stream" or "unary"))
        {
            throw new ArgumentException($"--mode must be 'stream' or 'unary', got '{mode}'");
        }

        return new LoadSettings
        {
            Address = new Uri(values["address"]),
            CaPath = values["ca"],
            CertificatePath = values["cert"],
            KeyPath = values["key"],
            KeyId = values["key-id"],
            Operation = Enum.Parse<Operation>(values.GetValueOrDefault("operation", nameof(Operation.EcdsaSha256))),
            Mode = mode,
            Connections = int.Parse(values.GetValueOrDefault("connections", "1"), CultureInfo.InvariantCulture),
            InFlight = int.Parse(values.GetValueOrDefault("inflight", "64"), CultureInfo.InvariantCulture),
            Duration = TimeSpan.FromSeconds(double.Parse(values.GetValueOrDefault("duration", "10"), CultureInfo.InvariantCulture)),
            Warmup = TimeSpan.FromSeconds(double.Parse(values.GetValueOrDefault("warmup", "2"), CultureInfo.InvariantCulture)),
            TimeoutMs = uint.Parse(values.GetValueOrDefault("timeout-ms", "2000"), CultureInfo.InvariantCulture),
        };
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using KeylessGeo.Testing;

namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>
/// Our edge host as a child process (<c>dotnet KeylessGeo.EdgeHost.dll</c> beside the tests), its
/// TLS port chosen by the host (port 0) and read from its start-up line. Disposing kills it by PID.
/// </summary>
public sealed partial class EdgeHostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ChildProcess _child;

    private EdgeHostProcess(ChildProcess child, int port)
    {
        _child = child;
        Port = port;
    }

    /// <summary>The host's PID.</summary>
    public int Pid => _child.Pid;

    /// <summary>The TLS port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Everything the host wrote so far.</summary>
    public string Output => _child.Output;

    /// <summary>Starts the host with <paramref name="settings"/> (as <c>--Key value</c> flags); waits until it listens, or throws with its output.</summary>
    public static async Task<EdgeHostProcess> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        List<string> arguments = [Path.Combine(AppContext.BaseDirectory, "KeylessGeo.EdgeHost.dll"), "--Https:Address", "127.0.0.1", "--Https:Port", "0", "--Telemetry:Prometheus:Port", "0"];
        foreach (var (key, value) in settings)
        {
            arguments.Add("--" + key);
            arguments.Add(value);
        }

        var child = ChildProcess.Start(ExternalProcess.CreateStartInfo(dotnet, arguments), ListeningLine());
        try
        {
            var listening = await child.WaitReadyAsync("the edge host", StartTimeout, cancellationToken);
            return new EdgeHostProcess(child, int.Parse(listening.Groups["port"].Value, CultureInfo.InvariantCulture));
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _child.DisposeAsync();

    [GeneratedRegex(@"TLS on https://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}

using System.Collections.Concurrent;
using System.Diagnostics;
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
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EdgeHostProcess(Process process) => _process = process;

    /// <summary>The host's PID.</summary>
    public int Pid => _process.Id;

    /// <summary>The TLS port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>Everything the host wrote so far.</summary>
    public string Output => string.Join('\n', _output);

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

        var process = new Process { StartInfo = ExternalProcess.CreateStartInfo(dotnet, arguments), EnableRaisingEvents = true };
        var edgeHost = new EdgeHostProcess(process);
        process.OutputDataReceived += (_, e) => edgeHost.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => edgeHost.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startup.CancelAfter(StartTimeout);
            var exited = process.WaitForExitAsync(startup.Token);
            if (await Task.WhenAny(edgeHost._port.Task, exited) != edgeHost._port.Task)
            {
                await exited;
                throw new InvalidOperationException($"the edge host exited with {process.ExitCode} before listening:\n{edgeHost.Output}");
            }

            edgeHost.Port = await edgeHost._port.Task;
            return edgeHost;
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            var output = edgeHost.Output;
            await edgeHost.DisposeAsync();
            throw new InvalidOperationException("the edge host did not start:\n" + output, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(exit.Token);
        }
        finally
        {
            _process.Dispose();
        }
    }

    [GeneratedRegex(@"TLS on https://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _port.TrySetResult(int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Testing;

/// <summary>
/// The real keyserver as a child process (the <c>KeylessGeo.KeyServer.dll</c> built next to
/// the tests, run by <c>dotnet</c>), optionally under a low open-file limit set with
/// <c>prlimit</c>, configured by command-line flags, on 127.0.0.1 with free ports. Its output
/// is collected; disposing kills it by PID.
/// </summary>
public sealed partial class KeyServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<TaskCompletionSource> _lineWaiters = new();
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<IPEndPoint> _httpsEndPoints = new();
    private readonly string _tlsDirectory;

    private KeyServerProcess(Process process, string tlsDirectory)
    {
        _process = process;
        _tlsDirectory = tlsDirectory;
    }

    /// <summary>The keyserver's process id.</summary>
    public int Pid => _process.Id;

    /// <summary>The Keyless endpoint with its bound port.</summary>
    public IPEndPoint KeylessEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>The mutual-TLS gRPC endpoint with its bound port.</summary>
    public IPEndPoint GrpcEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>Everything written to standard output and error so far, line by line.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts a keyserver over <paramref name="keysDirectory"/> with the certificates of
    /// <paramref name="tls"/> and <paramref name="settings"/> (flags such as <c>Keyless:IdleTimeout</c>),
    /// under an open-file limit of <paramref name="openFileLimit"/> (soft and hard) when given,
    /// and waits until its Keyless listener is bound.
    /// </summary>
    public static async Task<KeyServerProcess> StartAsync(
        string keysDirectory, TestTlsMaterial tls, IReadOnlyDictionary<string, string> settings, int? openFileLimit, CancellationToken cancellationToken)
    {
        var tlsDirectory = Directory.CreateTempSubdirectory("keylessgeo-process-tls-").FullName;
        var pem = tls.WritePem(tlsDirectory);
        var flags = KeyServerTestSettings.Defaults(pem, keysDirectory, "ks-process-1", "prc1");
        flags["KeyServer:Admission:DefaultDeadline"] = "00:01:00";
        foreach (var (key, value) in settings)
        {
            flags[key] = value;
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var arguments = new List<string>();
        var program = dotnet;
        if (openFileLimit is { } limit)
        {
            // prlimit execs the keyserver, so the PID we hold is the keyserver's.
            program = "prlimit";
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--nofile={limit}:{limit}"));
            arguments.Add("--");
            arguments.Add(dotnet);
        }

        arguments.Add(Path.Combine(AppContext.BaseDirectory, "KeylessGeo.KeyServer.dll"));
        foreach (var (key, value) in flags)
        {
            arguments.Add("--" + key);
            arguments.Add(value ?? "");
        }

        var info = ExternalProcess.CreateStartInfo(program, arguments);
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var keyserver = new KeyServerProcess(process, tlsDirectory);
        process.OutputDataReceived += (_, e) => keyserver.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => keyserver.OnLine(e.Data);
        process.Exited += (_, _) => keyserver._listening.TrySetException(new InvalidOperationException("The keyserver exited before it listened."));
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startup.CancelAfter(StartTimeout);
            keyserver.KeylessEndPoint = await keyserver._listening.Task.WaitAsync(startup.Token);

            // The host logs every bound address ("Now listening on: …") before it reports started.
            keyserver.GrpcEndPoint = keyserver._httpsEndPoints.FirstOrDefault(endPoint => endPoint.Port != keyserver.KeylessEndPoint.Port)
                ?? throw new InvalidOperationException("The keyserver did not log its gRPC endpoint.");
            return keyserver;
        }
        catch (Exception e)
        {
            var output = string.Join('\n', keyserver.Output);
            await keyserver.DisposeAsync();
            throw new InvalidOperationException($"The keyserver did not start: {e.Message}\n{output}", e);
        }
    }

    /// <summary>The process's resident set (VmRSS of /proc/PID/status), in bytes.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Lines of output that contain <paramref name="text"/>.</summary>
    public int CountOutput(string text) => _output.Count(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>Waits until a line of output matches <paramref name="pattern"/>, and returns its match.</summary>
    public Task<Match> WaitForOutputAsync(Regex pattern, CancellationToken cancellationToken) =>
        WaitForOutputAsync(pattern, 1, cancellationToken);

    /// <summary>Waits until <paramref name="count"/> lines of output match <paramref name="pattern"/>, and returns the last match.</summary>
    public async Task<Match> WaitForOutputAsync(Regex pattern, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        while (true)
        {
            // Registered before the scan, so a line written meanwhile is not missed.
            var nextLine = LineAsync(cancellationToken);
            var found = 0;
            foreach (var line in _output)
            {
                if (pattern.Match(line) is { Success: true } match && ++found == count)
                {
                    return match;
                }
            }

            if (HasExited)
            {
                throw new InvalidOperationException($"The keyserver exited while the test waited for {pattern}.");
            }

            await Task.WhenAny(_process.WaitForExitAsync(cancellationToken), nextLine);
            if (cancellationToken.IsCancellationRequested)
            {
                // Say what the keyserver did print: a wait that runs out is otherwise a bare cancellation.
                throw new OperationCanceledException(
                    $"No line of the keyserver's output matched {pattern} before the test's bound. Its last lines:\n"
                    + string.Join("\n", _output.TakeLast(40)),
                    cancellationToken);
            }
        }
    }

    /// <summary>Kills the keyserver with SIGKILL (no shutdown of any kind) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(exit.Token);
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
        catch (InvalidOperationException)
        {
            // Never started.
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_tlsDirectory, recursive: true);
        }
    }

    [GeneratedRegex(@"Keyless protocol listener on (?<address>[0-9.]+):(?<port>\d+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"Now listening on: https://(?<address>[0-9.]+):(?<port>\d+)")]
    private static partial Regex HttpsListeningLine();

    private static IPEndPoint ToEndPoint(Match match) =>
        new(IPAddress.Parse(match.Groups["address"].Value), int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));

    private Task LineAsync(CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _lineWaiters.Enqueue(waiter);
        return waiter.Task.WaitAsync(cancellationToken);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (HttpsListeningLine().Match(line) is { Success: true } https)
        {
            _httpsEndPoints.Enqueue(ToEndPoint(https));
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(ToEndPoint(match));
        }

        while (_lineWaiters.TryDequeue(out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using KeylessGeo.Testing;

namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>
/// Debian's nginx as a child process: <c>nginx -p DIR -c DIR/nginx.conf -e stderr -g 'daemon off;'</c>,
/// master process and one worker, with <c>OPENSSL_CONF</c> pointing at the engine's configuration.
/// Started once the master has logged its worker's start; disposing kills master and worker by PID.
/// </summary>
public sealed partial class NginxProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<int> _worker = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NginxProcess(Process process) => _process = process;

    /// <summary>The master's PID.</summary>
    public int MasterPid => _process.Id;

    /// <summary>The worker's PID (from the master's "start worker process" line).</summary>
    public int WorkerPid { get; private set; }

    /// <summary>Everything nginx wrote to stderr so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Starts nginx in <paramref name="directory"/> with <paramref name="configuration"/> and
    /// <paramref name="openSslConfiguration"/>; waits for the worker, or for nginx to exit (then throws with its output).
    /// </summary>
    public static async Task<NginxProcess> StartAsync(string directory, string configuration, string openSslConfiguration, CancellationToken cancellationToken)
    {
        var nginx = await StartUnwaitedAsync(directory, configuration, openSslConfiguration);
        try
        {
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startup.CancelAfter(StartTimeout);
            var exited = nginx._process.WaitForExitAsync(startup.Token);
            var started = await Task.WhenAny(nginx._worker.Task, exited);
            if (started != nginx._worker.Task)
            {
                await exited;
                throw new InvalidOperationException($"nginx exited with {nginx._process.ExitCode} before starting a worker:\n{nginx.Output}");
            }

            nginx.WorkerPid = await nginx._worker.Task;
            return nginx;
        }
        catch
        {
            var output = nginx.Output;
            await nginx.DisposeAsync();
            throw new InvalidOperationException("nginx did not start:\n" + output);
        }
    }

    /// <summary>Runs nginx expecting it to refuse the configuration; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string directory, string configuration, string openSslConfiguration, CancellationToken cancellationToken)
    {
        await using var nginx = await StartUnwaitedAsync(directory, configuration, openSslConfiguration);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(StartTimeout);
        await nginx._process.WaitForExitAsync(bound.Token);
        return (nginx._process.ExitCode, nginx.Output);
    }

    public async ValueTask DisposeAsync()
    {
        // The worker first, by its own PID, so that nothing outlives the test even if the master is gone.
        if (WorkerPid > 0)
        {
            try
            {
                using var worker = Process.GetProcessById(WorkerPid);
                worker.Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

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

    private static async Task<NginxProcess> StartUnwaitedAsync(string directory, string configuration, string openSslConfiguration)
    {
        var configurationPath = Path.Combine(directory, "nginx.conf");
        var openSslPath = Path.Combine(directory, "openssl-keylessgeo.cnf");
        await File.WriteAllTextAsync(configurationPath, configuration);
        await File.WriteAllTextAsync(openSslPath, openSslConfiguration);
        var info = ExternalProcess.CreateStartInfo("nginx", ["-p", directory + "/", "-c", configurationPath, "-e", "stderr", "-g", "daemon off;"], directory);
        info.Environment["OPENSSL_CONF"] = openSslPath;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var nginx = new NginxProcess(process);
        process.OutputDataReceived += (_, e) => nginx.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => nginx.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return nginx;
    }

    [GeneratedRegex(@"start worker process (?<pid>\d+)")]
    private static partial Regex WorkerLine();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (WorkerLine().Match(line) is { Success: true } match)
        {
            _worker.TrySetResult(int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture));
        }
    }
}

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
    private readonly ChildProcess _master;
    private int _disposed;

    private NginxProcess(ChildProcess master) => _master = master;

    /// <summary>The master's PID.</summary>
    public int MasterPid => _master.Pid;

    /// <summary>The worker's PID (from the master's "start worker process" line).</summary>
    public int WorkerPid { get; private set; }

    /// <summary>Everything nginx wrote to stderr so far.</summary>
    public string Output => _master.Output;

    /// <summary>
    /// Starts nginx in <paramref name="directory"/> with <paramref name="configuration"/> and
    /// <paramref name="openSslConfiguration"/>; waits for the worker, or for nginx to exit (then throws with its output).
    /// </summary>
    public static async Task<NginxProcess> StartAsync(string directory, string configuration, string openSslConfiguration, CancellationToken cancellationToken)
    {
        var nginx = await StartUnwaitedAsync(directory, configuration, openSslConfiguration);
        try
        {
            var worker = await nginx._master.WaitReadyAsync("nginx", StartTimeout, cancellationToken);
            nginx.WorkerPid = int.Parse(worker.Groups["pid"].Value, CultureInfo.InvariantCulture);
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs nginx expecting it to refuse the configuration; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string directory, string configuration, string openSslConfiguration, CancellationToken cancellationToken)
    {
        await using var nginx = await StartUnwaitedAsync(directory, configuration, openSslConfiguration);
        var exitCode = await nginx._master.WaitForExitAsync(StartTimeout, cancellationToken);
        return (exitCode, nginx.Output);
    }

    /// <summary>Kills worker and master; a second call does nothing (a test and its stack may both dispose it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

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

        await _master.DisposeAsync();
    }

    private static async Task<NginxProcess> StartUnwaitedAsync(string directory, string configuration, string openSslConfiguration)
    {
        var configurationPath = Path.Combine(directory, "nginx.conf");
        var openSslPath = Path.Combine(directory, "openssl-keylessgeo.cnf");
        await File.WriteAllTextAsync(configurationPath, configuration);
        await File.WriteAllTextAsync(openSslPath, openSslConfiguration);
        var info = ExternalProcess.CreateStartInfo("nginx", ["-p", directory + "/", "-c", configurationPath, "-e", "stderr", "-g", "daemon off;"], directory);
        info.Environment["OPENSSL_CONF"] = openSslPath;
        return new NginxProcess(ChildProcess.Start(info, WorkerLine()));
    }

    [GeneratedRegex(@"start worker process (?<pid>\d+)")]
    private static partial Regex WorkerLine();
}

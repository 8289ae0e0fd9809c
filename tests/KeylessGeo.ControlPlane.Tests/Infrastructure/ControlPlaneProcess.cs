using System.Diagnostics;
using System.Text;
using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The real control-plane executable (<c>keylessgeo-controlplane.dll</c> from this test's output,
/// run with <c>dotnet</c>) as a child process, optionally as another user through setpriv. Started
/// once its host reports "Application started"; killed by PID on dispose.
/// </summary>
public sealed class ControlPlaneProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ControlPlaneProcess(Process process) => _process = process;

    /// <summary>The child's PID (setpriv execs the control plane in place, so it keeps the PID).</summary>
    public int Pid => _process.Id;

    /// <summary>Everything the child printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the control plane with <paramref name="configFile"/>, as <paramref name="uid"/>/<paramref name="gid"/> when given.</summary>
    public static async Task<ControlPlaneProcess> StartAsync(string configFile, string home, uint? uid = null, uint? gid = null)
    {
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileName(host) == "dotnet" ? host : "dotnet";
        var dll = Path.Combine(AppContext.BaseDirectory, "keylessgeo-controlplane.dll");
        // The metrics port on any free port: tests run side by side.
        string[] command = [dotnet, dll, "--config", configFile, "--Telemetry:Prometheus:Port=0"];
        var info = uid is null
            ? ExternalProcess.CreateStartInfo(command[0], command[1..])
            : ExternalProcess.CreateStartInfo("setpriv", [$"--reuid={uid}", $"--regid={gid ?? uid}", "--clear-groups", "--", .. command]);
        // A clean environment: nothing of the test process (other tests put passphrases there) leaks in.
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        info.Environment.Clear();
        info.Environment["PATH"] = path;
        info.Environment["HOME"] = home;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var child = new ControlPlaneProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
        child._process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        child._process.Exited += (_, _) => child._started.TrySetException(new InvalidOperationException("the control plane exited before it started:\n" + child.Output));
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        try
        {
            await child._started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }

        return child;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }
}

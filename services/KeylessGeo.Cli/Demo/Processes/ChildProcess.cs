using System.Collections.Concurrent;
using System.Diagnostics;

namespace KeylessGeo.Cli.Demo.Processes;

/// <summary>
/// One executable of the demo cluster running as its own OS process (<c>dotnet NAME.dll --Key=value …</c>):
/// its output goes to a log file (and the last lines are kept to explain a failure); stopping it
/// sends SIGTERM, waits, and only then kills it.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 40;
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly ConcurrentQueue<string> _tail = new();

    private ChildProcess(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    /// <summary>What the process is, e.g. <c>ks-fra1-1</c>.</summary>
    public string Name { get; }

    /// <summary>Its process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Where its standard output and error are written.</summary>
    public string LogPath { get; }

    /// <summary>Whether it has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines it wrote, for an error message.</summary>
    public string Tail => string.Join('\n', _tail);

    /// <summary>Starts <paramref name="assembly"/> (a file name beside the CLI) with <paramref name="settings"/> as <c>--Key=value</c> flags.</summary>
    public static ChildProcess Start(string name, string assembly, IReadOnlyDictionary<string, string> settings, string logDirectory)
    {
        var info = new ProcessStartInfo(DotnetHost.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DotnetHost.Assembly(assembly));
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        // Workstation GC: nine processes share the machine; server GC would start a heap per core in each.
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";

        var logPath = Path.Combine(Directory.CreateDirectory(logDirectory).FullName, name + ".log");
        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, log, logPath);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            log.Dispose();
            process.Dispose();
            throw new DemoException($"cannot start {name} ({info.FileName} {assembly}): {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Throws with its last output when the process has ended.</summary>
    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new DemoException($"{Name} (pid {Pid}) exited with code {_process.ExitCode}; its last output ({LogPath}):\n{Tail}");
        }
    }

    /// <summary>
    /// SIGTERM, then up to <paramref name="patience"/> for a clean exit, then SIGKILL; returns
    /// once the process is gone.
    /// </summary>
    public async Task StopAsync(TimeSpan patience)
    {
        if (!_process.HasExited)
        {
            PosixSignals.Send(_process.Id, PosixSignals.Terminate);
            using var clean = new CancellationTokenSource(patience);
            try
            {
                await _process.WaitForExitAsync(clean.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                using var killed = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(killed.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            _process.Dispose();
            lock (_log)
            {
                _log.Dispose();
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _tail.Enqueue(line);
        while (_tail.Count > KeptLines && _tail.TryDequeue(out _))
        {
        }

        lock (_log)
        {
            _log.WriteLine(line);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace KeylessGeo.Testing.Redis;

/// <summary>
/// A throwaway Redis server for tests: Debian's <c>redis-server</c> (<c>apt-get install
/// redis-server</c>; <c>scripts/test.sh</c> installs it, <c>KEYLESSGEO_REDIS_SERVER</c> names
/// another binary) on a free 127.0.0.1 port, with its working directory in a temporary folder
/// and no persistence (no RDB snapshots, no append-only file). Started and waited for until it
/// answers PING; on dispose killed by PID and the folder deleted. Servers left behind by a test
/// process that was killed are killed and removed by the next <see cref="StartAsync"/>; a normal
/// process exit kills the server even without dispose.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string FolderPrefix = "keylessgeo-redis-";
    private const string OwnerFile = "owner.pid";
    private const string PidFile = "redis.pid";
    private static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private int _stopped;

    private RedisServer(Process process, string folder, int port)
    {
        _process = process;
        Folder = folder;
        Port = port;
    }

    /// <summary>The server's temporary folder (working directory and log).</summary>
    public string Folder { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts a new server and waits until it answers PING.</summary>
    /// <exception cref="InvalidOperationException"><c>redis-server</c> is not installed, or the server did not start.</exception>
    public static async Task<RedisServer> StartAsync()
    {
        var binary = FindBinary();
        ReapAbandoned();

        var folder = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(Path.Combine(folder, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

        // A free port can be taken between FreePort.Next and the server's bind: try a few.
        string? lastLog = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort.Next();
            var process = Process.Start(StartInfo(binary, folder, port))
                ?? throw new InvalidOperationException($"{binary} did not start");
            var server = new RedisServer(process, folder, port);
            try
            {
                if (await server.WaitUntilReadyAsync())
                {
                    AppDomain.CurrentDomain.ProcessExit += server.OnProcessExit;
                    return server;
                }
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            lastLog = server.ReadLog();
            server.Kill();
        }

        DeleteFolder(folder);
        throw new InvalidOperationException($"redis-server did not start on 127.0.0.1.\n{lastLog}");
    }

    public ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            Kill();
            DeleteFolder(Folder);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Kills the server by PID (SIGKILL) and waits for it to exit.</summary>
    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // It had exited already.
        }

        _process.Dispose();
    }

    /// <summary>
    /// Polls with PING until <c>+PONG</c> within <see cref="ReadyBound"/>; false when the server
    /// exited (a port taken by someone else), an exception when it never answers.
    /// </summary>
    private async Task<bool> WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyBound)
        {
            if (_process.HasExited)
            {
                return false;
            }

            if (await PingAsync())
            {
                return true;
            }

            // Waiting for an external server to come up: there is no event to wait for instead.
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        throw new InvalidOperationException($"redis-server (pid {_process.Id}) on port {Port} did not answer PING within {ReadyBound.TotalSeconds} s.\n{ReadLog()}");
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync("127.0.0.1", Port, bound.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), bound.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, bound.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private string ReadLog()
    {
        var log = Path.Combine(Folder, "redis.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no server log)";
    }

    private void OnProcessExit(object? sender, EventArgs e) => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static ProcessStartInfo StartInfo(string binary, string folder, int port)
    {
        var info = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            WorkingDirectory = folder,
        };
        string[] arguments =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", folder,
            "--logfile", Path.Combine(folder, "redis.log"),
            "--pidfile", Path.Combine(folder, PidFile),
            "--daemonize", "no",
            "--save", "",
            "--appendonly", "no",
            "--protected-mode", "yes",
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private static string FindBinary()
    {
        var configured = Environment.GetEnvironmentVariable("KEYLESSGEO_REDIS_SERVER");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured
                : throw new InvalidOperationException($"KEYLESSGEO_REDIS_SERVER={configured} does not exist");
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/sbin"))
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (directory.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "redis-server not found on PATH or in /usr/bin: run scripts/test.sh, or apt-get install redis-server, or set KEYLESSGEO_REDIS_SERVER");
    }

    /// <summary>Kills and removes servers whose owning test process no longer exists.</summary>
    private static void ReapAbandoned()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (!TryReadPid(Path.Combine(folder, OwnerFile), out var owner) || Directory.Exists($"/proc/{owner}"))
            {
                continue;
            }

            if (TryReadPid(Path.Combine(folder, PidFile), out var server) && IsRedis(server))
            {
                try
                {
                    using var abandoned = Process.GetProcessById(server);
                    abandoned.Kill();
                    abandoned.WaitForExit(TimeSpan.FromSeconds(10));
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // Gone already.
                }
            }

            DeleteFolder(folder);
        }
    }

    private static bool IsRedis(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("redis-server", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool TryReadPid(string path, out int pid)
    {
        pid = 0;
        try
        {
            return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out pid);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Still being written by a dying server: the next run's reaper removes it.
        }
    }
}

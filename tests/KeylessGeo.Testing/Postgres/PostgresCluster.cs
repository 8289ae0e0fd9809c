using System.Globalization;

namespace KeylessGeo.Testing.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster for tests: <c>initdb</c> into a temporary folder, <c>pg_ctl
/// start</c> on a free 127.0.0.1 port with the socket in that folder and fsync off, and on dispose
/// <c>pg_ctl stop -m immediate</c> and delete the folder. PostgreSQL refuses to run as root, so a
/// root test process runs the server as the system user <c>keylessgeo-test</c> (created when
/// missing). Clusters left behind by a test process that was killed are stopped and removed by
/// the next <see cref="StartAsync"/>; a normal process exit stops the cluster even without dispose.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>The superuser initdb creates; local connections trust it (the server listens on loopback only).</summary>
    public const string Superuser = "postgres";

    private const string TestUser = "keylessgeo-test";
    private const string FolderPrefix = "keylessgeo-pg-";
    private const string OwnerFile = "owner.pid";
    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(60);

    private readonly PostgresBinaries _binaries;
    private readonly string? _runAs;
    private int _stopped;
    private bool _durable;

    private PostgresCluster(PostgresBinaries binaries, string? runAs, string folder)
    {
        _binaries = binaries;
        _runAs = runAs;
        Folder = folder;
    }

    /// <summary>The cluster's temporary folder (data directory, socket, server log).</summary>
    public string Folder { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(Folder, "data");

    private string LogFile => Path.Combine(Folder, "postgres.log");

    /// <summary>An Npgsql connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={Superuser};Database={database};Timeout=15;Command Timeout=30";

    /// <summary>Creates, starts and waits for a new cluster.</summary>
    /// <summary>Creates an empty database named <paramref name="prefix"/> plus a random suffix and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = prefix + Guid.NewGuid().ToString("N");
        await using (var connection = new Npgsql.NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    /// <param name="durable">
    /// Keep PostgreSQL's durability settings (fsync, synchronous commit, full-page writes) as a
    /// production server has them, for benchmarks; tests leave them off.
    /// </param>
    public static async Task<PostgresCluster> StartAsync(bool durable = false)
    {
        var binaries = PostgresBinaries.Find();
        var runAs = await IsRootAsync() ? await EnsureTestUserAsync() : null;
        await ReapAbandonedAsync(binaries, runAs);

        var folder = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(Path.Combine(folder, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var cluster = new PostgresCluster(binaries, runAs, folder) { _durable = durable };
        try
        {
            if (runAs is not null)
            {
                (await ExternalProcess.RunAsync("chown", ["-R", runAs, folder], CommandBound)).EnsureSuccess("chown");
            }

            (await cluster.RunAsync(binaries.InitDb, ["-D", cluster.DataDirectory, "-U", Superuser, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C", "--no-instructions"]))
                .EnsureSuccess("initdb");
            await cluster.StartServerAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        AppDomain.CurrentDomain.ProcessExit += cluster.OnProcessExit;
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await StopAndDeleteAsync(_binaries, _runAs, Folder);
        }
    }

    private async Task StartServerAsync()
    {
        // A free port can be taken between FreePort.Next and the server's bind: try a few.
        ProcessResult? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Port = FreePort.Next();
            var settings = string.Join(' ',
                $"-p {Port}", "-c listen_addresses=127.0.0.1", $"-c unix_socket_directories='{Folder}'",
                _durable ? "-c fsync=on" : "-c fsync=off -c synchronous_commit=off -c full_page_writes=off", "-c max_connections=200");
            last = await RunAsync(_binaries.PgCtl, ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "30", "-o", settings]);
            if (last.ExitCode == 0)
            {
                await WaitUntilReadyAsync();
                return;
            }
        }

        var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : "(no server log)";
        throw new InvalidOperationException($"PostgreSQL did not start.\n{last!.StandardError}\n{log}");
    }

    private async Task WaitUntilReadyAsync()
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var ready = await ExternalProcess.RunAsync(_binaries.PgIsReady, ["-h", "127.0.0.1", "-p", $"{Port}", "-t", "1"], CommandBound);
            if (ready.ExitCode == 0)
            {
                return;
            }
        }

        throw new InvalidOperationException($"PostgreSQL on port {Port} never became ready");
    }

    private Task<ProcessResult> RunAsync(string program, string[] arguments) => RunAsAsync(_runAs, Folder, program, arguments);

    private static Task<ProcessResult> RunAsAsync(string? user, string folder, string program, string[] arguments) => user is null
        ? ExternalProcess.RunAsync(program, arguments, CommandBound, folder)
        : ExternalProcess.RunAsync("runuser", ["-u", user, "--", program, .. arguments], CommandBound, folder);

    private static async Task StopAndDeleteAsync(PostgresBinaries binaries, string? runAs, string folder)
    {
        var data = Path.Combine(folder, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            await RunAsAsync(runAs, folder, binaries.PgCtl, ["stop", "-D", data, "-m", "immediate", "-w", "-t", "30"]);
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still being written by a dying backend: the next run's reaper removes it.
        }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            StopAndDeleteAsync(_binaries, _runAs, Folder).GetAwaiter().GetResult();
        }
    }

    /// <summary>Stops and removes clusters whose owning test process no longer exists.</summary>
    private static async Task ReapAbandonedAsync(PostgresBinaries binaries, string? runAs)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var owner = Path.Combine(folder, OwnerFile);
            if (File.Exists(owner)
                && int.TryParse(await File.ReadAllTextAsync(owner), CultureInfo.InvariantCulture, out var pid)
                && !Directory.Exists($"/proc/{pid}"))
            {
                await StopAndDeleteAsync(binaries, runAs, folder);
            }
        }
    }

    private static async Task<bool> IsRootAsync() =>
        (await ExternalProcess.RunAsync("id", ["-u"], CommandBound)).EnsureSuccess("id -u").StandardOutput.Trim() == "0";

    private static async Task<string> EnsureTestUserAsync()
    {
        if ((await ExternalProcess.RunAsync("id", ["-u", TestUser], CommandBound)).ExitCode != 0)
        {
            // Exit code 9: another test process created it a moment ago.
            var created = await ExternalProcess.RunAsync(
                "useradd", ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", TestUser], CommandBound);
            if (created.ExitCode is not (0 or 9))
            {
                created.EnsureSuccess($"useradd {TestUser}");
            }
        }

        return TestUser;
    }
}

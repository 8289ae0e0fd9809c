using System.Diagnostics;
using System.Text.Json;
using KeylessGeo.KeyServer.Cluster.Membership;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;

namespace KeylessGeo.KeyServer.Tests.Cluster.Membership;

/// <summary>
/// What only the embedded file table promises: owner-only files, whole-file replacement that
/// readers never see torn, a lock that a killed holder does not keep, recovery from a writer
/// that died mid-write, and a clear refusal of a damaged or foreign file.
/// </summary>
public sealed class FileMembershipTableTests : IDisposable
{
    private readonly TempDirectory _work = new();

    private string Directory => Path.Combine(_work.Path, "membership");

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Initialize_CreatesTheDirectory0700_AndTheTableAndLockFiles0600()
    {
        var table = Open("files");
        await table.InitializeMembershipTableAsync(true);
        Assert.True(await table.InsertRowAsync(MembershipEntries.New(), (await table.ReadAllAsync()).Version.Next()));

        Assert.Equal(MembershipFile.DirectoryMode, File.GetUnixFileMode(Directory));
        Assert.Equal(MembershipFile.FileMode, File.GetUnixFileMode(table.TablePath));
        var lockFile = Assert.Single(System.IO.Directory.GetFiles(Directory, "*.lock"));
        Assert.Equal(MembershipFile.FileMode, File.GetUnixFileMode(lockFile));
        Assert.Equal(2, System.IO.Directory.GetFiles(Directory).Length);
    }

    [Fact]
    public async Task Readers_WhileTwoInstancesWriteConstantly_AlwaysSeeACompleteTableWithAVersionThatNeverGoesBack()
    {
        var writers = new[] { Open("torn"), Open("torn") };
        var reader = Open("torn");
        await writers[0].InitializeMembershipTableAsync(true);
        var entry = MembershipEntries.New(SiloStatus.Active);
        Assert.True(await writers[0].InsertRowAsync(entry, (await writers[0].ReadAllAsync()).Version.Next()));
        const int Updates = 60;
        var done = 0;

        var writing = Task.WhenAll(writers.Select(writer => Task.Run(async () =>
        {
            while (Interlocked.CompareExchange(ref done, 0, 0) < Updates)
            {
                var read = await writer.ReadRowAsync(entry.SiloAddress);
                var (row, etag) = read.Members[0];
                row.IAmAliveTime = row.IAmAliveTime.AddSeconds(1);
                if (await writer.UpdateRowAsync(row, etag, read.Version.Next()))
                {
                    Interlocked.Increment(ref done);
                }
            }
        })));
        var reads = 0;
        var lastVersion = 0;
        while (!writing.IsCompleted)
        {
            // A torn file would fail to parse here, or lose the row.
            var data = await reader.ReadAllAsync();
            var (row, _) = Assert.Single(data.Members);
            Assert.True(data.Version.Version >= lastVersion, $"version went back from {lastVersion} to {data.Version.Version}");
            Assert.Equal(entry.StartTime.AddSeconds(data.Version.Version - 1), row.IAmAliveTime);
            lastVersion = data.Version.Version;
            reads++;
        }

        await writing;
        Assert.True(reads > 0);
        Assert.Equal(1 + Updates, (await reader.ReadAllAsync()).Version.Version);
        Assert.Empty(System.IO.Directory.GetFiles(Directory, "*.tmp"));
    }

    [Fact]
    public async Task ALockHeldByAProcessKilledWithSigkill_IsReleased_AndTheTableCarriesOn()
    {
        var table = Open("killed", lockTimeout: TimeSpan.FromMilliseconds(300));
        await table.InitializeMembershipTableAsync(true);
        var lockPath = Assert.Single(System.IO.Directory.GetFiles(Directory, "*.lock"));

        // flock(1) takes the same kind of lock .NET takes for FileShare.None, then waits; -o keeps
        // the lock in flock itself, so killing flock alone must release it.
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-x", "-o", lockPath, "sleep", "600"]) { UseShellExecute = false })!;
        try
        {
            await WaitUntilLockedAsync(lockPath);
            var refused = await Assert.ThrowsAsync<TimeoutException>(() => table.InsertRowAsync(MembershipEntries.New(), new TableVersion(1, MembershipEtag.Initial)));
            Assert.Contains(lockPath, refused.Message);

            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();

            Assert.True(await table.InsertRowAsync(MembershipEntries.New(), (await table.ReadAllAsync()).Version.Next()));
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Initialize_RemovesTemporaryFilesOfAWriterThatDiedMidWrite_AndKeepsTheTable()
    {
        var table = Open("crashed");
        await table.InitializeMembershipTableAsync(true);
        var entry = MembershipEntries.New();
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var stale = Path.Combine(Directory, $".{Path.GetFileName(table.TablePath)}.12345.{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(stale, "{\"format\": 1, \"clusterId\": \"crash");

        var restarted = Open("crashed");
        await restarted.InitializeMembershipTableAsync(true);

        Assert.False(File.Exists(stale));
        Assert.Equal(entry.SiloAddress, Assert.Single((await restarted.ReadAllAsync()).Members).Item1.SiloAddress);
    }

    [Fact]
    public async Task ADamagedFile_IsRefusedWithItsPath_NotTreatedAsEmpty()
    {
        var table = Open("damaged");
        await table.InitializeMembershipTableAsync(true);
        await File.WriteAllTextAsync(table.TablePath, "{\"format\": 1, \"clusterId\": \"dama");

        var read = await Assert.ThrowsAsync<InvalidDataException>(() => table.ReadAllAsync());
        var write = await Assert.ThrowsAsync<InvalidDataException>(() => table.InsertRowAsync(MembershipEntries.New(), new TableVersion(1, MembershipEtag.Initial)));

        Assert.Contains(table.TablePath, read.Message);
        Assert.Contains(table.TablePath, write.Message);
    }

    [Fact]
    public async Task AFileOfAnotherClusterOrANewerFormat_IsRefused()
    {
        var first = Open("first");
        await first.InitializeMembershipTableAsync(true);
        var second = Open("second");
        File.Copy(first.TablePath, second.TablePath);

        var foreign = await Assert.ThrowsAsync<InvalidDataException>(() => second.ReadAllAsync());
        Assert.Contains("belongs to cluster 'first'", foreign.Message);

        var document = JsonSerializer.Deserialize<JsonElement>(await File.ReadAllTextAsync(first.TablePath));
        await File.WriteAllTextAsync(first.TablePath, document.GetRawText().Replace("\"format\": 1", "\"format\": 2", StringComparison.Ordinal));
        var newer = await Assert.ThrowsAsync<InvalidDataException>(() => first.ReadAllAsync());
        Assert.Contains("format 2", newer.Message);
    }

    [Fact]
    public async Task ClusterIdsThatAreNotFileNames_GetFilesOfTheirOwn()
    {
        string[] ids = ["../escape", "a/b", "a%2Fb", "plain", new string('x', 300)];
        var tables = ids.Select(id => Open(id)).ToArray();
        foreach (var table in tables)
        {
            await table.InitializeMembershipTableAsync(true);
            Assert.True(await table.InsertRowAsync(MembershipEntries.New(), (await table.ReadAllAsync()).Version.Next()));
        }

        Assert.Equal(ids.Length, tables.Select(table => table.TablePath).Distinct().Count());
        Assert.All(tables, table => Assert.Equal(Directory, Path.GetDirectoryName(table.TablePath)));
        Assert.All(tables, table => Assert.True(Path.GetFileName(table.TablePath).Length < 100));
        foreach (var table in tables)
        {
            Assert.Single((await table.ReadAllAsync()).Members);
        }
    }

    private FileMembershipTable Open(string clusterId, TimeSpan? lockTimeout = null) =>
        new(Directory, clusterId, NullLogger<FileMembershipTable>.Instance, lockTimeout);

    /// <summary>Waits (bounded) until the external holder has the lock: opening it exclusively fails.</summary>
    private static async Task WaitUntilLockedAsync(string lockPath)
    {
        var bound = Stopwatch.StartNew();
        while (bound.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                return;
            }

            // Polling an external process's progress: it offers no event to wait for.
            await Task.Delay(10);
        }

        throw new TimeoutException($"flock never took {lockPath}");
    }
}

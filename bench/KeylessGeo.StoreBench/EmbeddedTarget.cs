using System.Diagnostics;
using System.Globalization;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Embedded;

namespace KeylessGeo.StoreBench;

/// <summary>The embedded store in a fresh temporary data directory (deleted at the end).</summary>
internal sealed class EmbeddedTarget : IBenchTarget
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "keylessgeo-storebench-" + Guid.NewGuid().ToString("N"));
    private readonly EmbeddedControlPlaneStore _store;

    public EmbeddedTarget()
    {
        _store = new EmbeddedControlPlaneStore(new EmbeddedStoreOptions
        {
            DataDirectory = _directory,
#if !OLD_STORE
            // Compaction is timed separately, after each load, so it never lands inside a measured commit.
            CompactionMinimumLogBytes = 0,
#endif
        });
    }

#if OLD_STORE
    public string Name => "embedded (before: whole state.json per commit)";
#else
    public string Name => "embedded (commit log)";
#endif

    public IControlPlaneStore Store => _store;

    public string BytesMeaning => "wchar: every byte the process passed to write()";

    public Task<long> WrittenBytesAsync() => Task.FromResult(ProcessIo.WrittenBytes());

    public async Task<string> AfterLoadAsync()
    {
#if OLD_STORE
        await Task.CompletedTask;
        return string.Create(CultureInfo.InvariantCulture, $"state.json {new FileInfo(Path.Combine(_directory, "state.json")).Length / 1e6:F1} MB");
#else
        var started = Stopwatch.GetTimestamp();
        await _store.CompactAsync(CancellationToken.None);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var snapshot = new FileInfo(Path.Combine(_directory, "state.json")).Length;
        return string.Create(CultureInfo.InvariantCulture, $"snapshot {snapshot / 1e6:F1} MB, compaction {seconds:F1} s");
#endif
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

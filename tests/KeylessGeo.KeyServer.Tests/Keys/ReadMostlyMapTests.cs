using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>
/// The read-mostly map behind the managed key indexes: what a build put in its base and what later
/// changes put in the overlay read as one map, by key and by span; removals hide base entries;
/// folding the overlay into a new base (past a quarter of the base) changes nothing a reader sees;
/// and a reader holding a lookup during changes always finds either the old or the new value.
/// </summary>
public sealed class ReadMostlyMapTests
{
    [Fact]
    public void ChangesAfterTheBuild_ReadAsOneMapWithIt()
    {
        var map = new ReadMostlyMap<string, string, ReadOnlySpan<char>>(StringComparer.Ordinal, 4, @sealed: false);
        Assert.True(map.TryAdd("a", "A"));
        Assert.False(map.TryAdd("a", "A2"));
        map.Set("b", "B");
        map.Seal();

        map.Set("a", "A3");
        Assert.True(map.Remove("b"));
        Assert.False(map.Remove("b"));
        Assert.True(map.TryAdd("c", "C"));
        Assert.False(map.TryAdd("c", "C2"));

        Assert.True(map.TryGetValue("a".AsSpan(), out var a));
        Assert.Equal("A3", a);
        Assert.False(map.TryGetValue("b", out _));
        Assert.False(map.TryGetValue("b".AsSpan(), out _));
        Assert.True(map.TryGetValue("c", out var c));
        Assert.Equal("C", c);
        Assert.Equal(2, map.Count);

        Assert.True(map.TryAdd("b", "B2"));
        Assert.True(map.TryGetValue("b", out var b));
        Assert.Equal("B2", b);
        Assert.Equal(3, map.Count);
    }

    [Fact]
    public void ManyChanges_FoldedIntoNewBases_LeaveExactlyTheEntriesAModelHolds()
    {
        var map = new ReadMostlyMap<string, string, ReadOnlySpan<char>>(StringComparer.OrdinalIgnoreCase, 0, @sealed: false);
        var model = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < 2_000; i++)
        {
            map.Set($"k{i}", $"v{i}");
            model[$"k{i}"] = $"v{i}";
        }

        map.Seal();
        var random = new Random(16);
        for (var step = 0; step < 20_000; step++)
        {
            var key = $"K{random.Next(4_000)}";
            if (random.Next(3) == 0)
            {
                Assert.Equal(model.Remove(key), map.Remove(key));
            }
            else
            {
                map.Set(key, $"s{step}");
                model[key] = $"s{step}";
            }
        }

        Assert.Equal(model.Count, map.Count);
        for (var i = 0; i < 4_000; i++)
        {
            var key = $"k{i}";
            Assert.Equal(model.TryGetValue(key, out var expected), map.TryGetValue(key.AsSpan(), out var actual));
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task AReaderDuringChangesAndFolds_FindsTheOldOrTheNewValue_NeverNothing()
    {
        var map = new ReadMostlyMap<string, string, ReadOnlySpan<char>>(StringComparer.Ordinal, 0, @sealed: false);
        for (var i = 0; i < 4_000; i++)
        {
            map.Set($"k{i}", "0");
        }

        map.Seal();
        using var stop = new CancellationTokenSource();
        var misses = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < 4_000; i++)
                {
                    if (!map.TryGetValue($"k{i}", out _))
                    {
                        Interlocked.Increment(ref misses);
                    }
                }
            }
        });

        // Every key is rewritten many times over: the overlay passes its fold point again and again.
        for (var round = 1; round <= 30; round++)
        {
            for (var i = 0; i < 4_000; i++)
            {
                map.Set($"k{i}", round.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        await stop.CancelAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, misses);
        Assert.True(map.TryGetValue("k3999", out var last));
        Assert.Equal("30", last);
    }
}

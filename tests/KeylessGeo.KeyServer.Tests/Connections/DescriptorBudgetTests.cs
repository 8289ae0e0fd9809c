using System.Globalization;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Serving.Connections;

namespace KeylessGeo.KeyServer.Tests.Connections;

public sealed class DescriptorBudgetTests
{
    [Theory]
    [InlineData(1024UL, 200, 1024 - 200 - 128)]
    [InlineData(4096UL, 300, 4096 - 300 - 512)]
    [InlineData(524288UL, 400, 524288 - 400 - 65536)]
    public void Compute_KeepsAnEighthOfTheLimitInReserve_AtLeast128(ulong limit, int open, int expected)
    {
        Assert.Equal(expected, DescriptorBudget.Compute(limit, open));
    }

    [Theory]
    [InlineData(256UL, 174, 41)]
    [InlineData(256UL, 255, 1)]
    [InlineData(256UL, 300, 1)]
    public void Compute_WithATinyLimit_AllowsHalfOfWhatIsFree_AtLeastOne(ulong limit, int open, int expected)
    {
        Assert.Equal(expected, DescriptorBudget.Compute(limit, open));
    }

    [Fact]
    public void TryAcquire_StopsAtTheBudget_AndReleaseFreesASlot()
    {
        var budget = new DescriptorBudget(2);

        Assert.True(budget.TryAcquire());
        Assert.True(budget.TryAcquire());
        Assert.False(budget.TryAcquire());
        budget.Release();

        Assert.True(budget.TryAcquire());
        Assert.Equal(2, budget.OpenConnections);
    }

    [Fact]
    public void ForCurrentProcess_SizesTheBudgetFromThisProcesssOpenFileLimit()
    {
        var logs = new CapturingLoggerProvider();

        var budget = DescriptorBudget.ForCurrentProcess(logs.CreateLogger("test"));

        // The kernel's view, read independently of the P/Invoke: "Max open files  SOFT  HARD  files".
        var line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(fields[1], fields[0]); // the soft limit was raised to the hard one (or already was)
        var soft = ulong.Parse(fields[0], CultureInfo.InvariantCulture);
        var open = Directory.GetFileSystemEntries("/proc/self/fd").Length;
        Assert.InRange(budget.MaxConnections, 1, (int)soft - open + 32);
        var sized = Assert.Single(logs.Entries, e => e.EventId.Id is 301 or 303);
        Assert.Contains(soft.ToString(CultureInfo.InvariantCulture), sized.Message, StringComparison.Ordinal);
    }
}

using KeylessGeo.EdgeAgent.Routing;
using KeylessGeo.EdgeAgent.Upstreams;

namespace KeylessGeo.EdgeAgent.Tests.Upstreams;

/// <summary>Capacity-weighted least outstanding requests by two random choices.</summary>
public sealed class UpstreamSelectorTests
{
    private static Upstream Make(string id, double weight, int maxInFlight = 100) =>
        new(new UpstreamIdentity(id, "http://127.0.0.1:1", IsLocal: false), [], maxInFlight, weight, TimeProvider.System);

    [Fact]
    public void IdleKeyservers_ShareTrafficInProportionToCapacity()
    {
        Upstream[] candidates = [Make("small", 1), Make("large", 3)];
        var large = 0;
        const int Draws = 40_000;
        for (var i = 0; i < Draws; i++)
        {
            large += UpstreamSelector.Choose(candidates, null, out _)!.Id == "large" ? 1 : 0;
        }

        // Expected share 0.75; the standard deviation over 40,000 draws is about 0.002.
        Assert.InRange(large / (double)Draws, 0.735, 0.765);
    }

    [Fact]
    public void BusierPerUnitOfCapacity_Loses()
    {
        Upstream[] candidates = [Make("a", 1), Make("b", 1)];
        for (var i = 0; i < 5; i++)
        {
            Assert.True(candidates[0].TryAcquire());
        }

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal("b", UpstreamSelector.Choose(candidates, null, out _)!.Id);
        }
    }

    [Fact]
    public void TriedSaturatedAndBroken_AreSkipped_WithTheRightMiss()
    {
        var tried = Make("tried", 1);
        var saturated = Make("saturated", 1, maxInFlight: 1);
        Assert.True(saturated.TryAcquire());
        var broken = Make("broken", 1);
        broken.OnBreakerOpened(TimeSpan.FromMinutes(1));
        var notServing = Make("not-serving", 1);
        notServing.Serving = false;

        Assert.Null(UpstreamSelector.Choose([tried, saturated, broken, notServing], [tried], out var miss));
        Assert.Equal(SelectionMiss.Saturated, miss);
        Assert.Null(UpstreamSelector.Choose([tried, broken, notServing], [tried], out miss));
        Assert.Equal(SelectionMiss.NoneAvailable, miss);

        var fresh = Make("fresh", 1);
        Assert.Same(fresh, UpstreamSelector.Choose([tried, saturated, broken, notServing, fresh], [tried], out miss));
        Assert.Equal(SelectionMiss.None, miss);
    }
}

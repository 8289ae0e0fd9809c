using KeylessGeo.KeyServer.Cluster.Placement;

namespace KeylessGeo.KeyServer.Tests.Cluster.Orleans;

public sealed class CapacityDrawTests
{
    [Theory]
    [InlineData(0.00, "a")]
    [InlineData(0.24, "a")]
    [InlineData(0.26, "b")]
    [InlineData(0.99, "b")]
    public void A_silo_with_three_times_the_capacity_takes_three_quarters_of_the_line(double uniform, string expected)
    {
        (string, double?, double)[] candidates = [("a", 1000, 1.0), ("b", 3000, 1.0)];

        Assert.Equal(expected, CapacityDraw.Draw(candidates, uniform));
    }

    [Theory]
    [InlineData(0.19, "plain")]
    [InlineData(0.21, "accelerated")]
    public void An_accelerator_multiplier_scales_the_share(double uniform, string expected)
    {
        (string, double?, double)[] candidates = [("plain", 1000, 1.0), ("accelerated", 1000, 4.0)];

        Assert.Equal(expected, CapacityDraw.Draw(candidates, uniform));
    }

    [Theory]
    [InlineData(0.16, "measured-1")]
    [InlineData(0.17, "measured-3")]
    [InlineData(0.66, "measured-3")]
    [InlineData(0.67, "new")]
    public void A_keyserver_without_a_measurement_counts_as_the_mean_of_the_measured(double uniform, string expected)
    {
        // Mean of 1000 and 3000 is 2000: the line is 1000 | 3000 | 2000 out of 6000.
        (string, double?, double)[] candidates = [("measured-1", 1000, 1.0), ("measured-3", 3000, 1.0), ("new", null, 1.0)];

        Assert.Equal(expected, CapacityDraw.Draw(candidates, uniform));
    }

    [Fact]
    public void Without_any_measurement_every_candidate_is_equally_likely()
    {
        (string, double?, double)[] candidates = [("a", null, 1.0), ("b", null, 1.0), ("c", null, 1.0), ("d", null, 1.0)];

        Assert.Equal(["a", "b", "c", "d"], new[] { 0.1, 0.3, 0.6, 0.9 }.Select(u => CapacityDraw.Draw(candidates, u)));
    }
}

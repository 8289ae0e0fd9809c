using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Tests.Admission;

public sealed class ServiceTimeEstimatorTests
{
    [Fact]
    public void NothingMeasured_EstimateIsZero()
    {
        Assert.Equal(TimeSpan.Zero, new ServiceTimeEstimator().Estimate(KeyAlgorithm.Rsa2048));
    }

    [Fact]
    public void ALongSample_MovesTheAverageByItsWeight_AndOnlyForThatAlgorithm()
    {
        // Times are wall-clock: a thread preempted mid-operation reports the wait too, and the average
        // moves with it. On an event loop that sends a short algorithm to the workers until the average
        // falls back below the inline limit (SigningService.IsShort), which under deep pipelines on a
        // busy machine was measured to be the cheaper place for it (docs/BENCHMARKS.md).
        var estimator = new ServiceTimeEstimator();
        estimator.Seed(KeyAlgorithm.EcdsaP256, TimeSpan.FromMicroseconds(40));

        estimator.Observe(KeyAlgorithm.EcdsaP256, TimeSpan.FromMilliseconds(4));

        Assert.Equal((0.8 * 40e-6) + (0.2 * 4e-3), estimator.Estimate(KeyAlgorithm.EcdsaP256).TotalSeconds, 9);
        Assert.Equal(TimeSpan.Zero, estimator.Estimate(KeyAlgorithm.EcdsaP384));
    }
}

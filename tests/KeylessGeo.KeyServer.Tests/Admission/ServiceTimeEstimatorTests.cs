using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Tests.Admission;

public sealed class ServiceTimeEstimatorTests
{
    [Fact]
    public void NothingMeasured_EstimateAndShortestAreZero()
    {
        var estimator = new ServiceTimeEstimator();

        Assert.Equal(TimeSpan.Zero, estimator.Estimate(KeyAlgorithm.Rsa2048));
        Assert.Equal(TimeSpan.Zero, estimator.Shortest(KeyAlgorithm.Rsa2048));
    }

    [Fact]
    public void ALongSample_MovesTheAverage_ButNotTheShortest()
    {
        var estimator = new ServiceTimeEstimator();
        estimator.Seed(KeyAlgorithm.EcdsaP256, TimeSpan.FromMicroseconds(40));

        estimator.Observe(KeyAlgorithm.EcdsaP256, TimeSpan.FromMilliseconds(4));

        Assert.Equal(TimeSpan.FromMicroseconds(40), estimator.Shortest(KeyAlgorithm.EcdsaP256));
        Assert.Equal(0.8 * 40e-6 + 0.2 * 4e-3, estimator.Estimate(KeyAlgorithm.EcdsaP256).TotalSeconds, 9);
    }

    [Fact]
    public void AShorterSample_LowersTheShortest_AndOnlyThatAlgorithm()
    {
        var estimator = new ServiceTimeEstimator();
        estimator.Observe(KeyAlgorithm.EcdsaP256, TimeSpan.FromMicroseconds(90));
        estimator.Observe(KeyAlgorithm.EcdsaP256, TimeSpan.FromMicroseconds(25));
        estimator.Observe(KeyAlgorithm.EcdsaP256, TimeSpan.FromMicroseconds(60));

        Assert.Equal(TimeSpan.FromMicroseconds(25), estimator.Shortest(KeyAlgorithm.EcdsaP256));
        Assert.Equal(TimeSpan.Zero, estimator.Shortest(KeyAlgorithm.EcdsaP384));
    }
}

using KeylessGeo.KeyServer.Capacity;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KeylessGeo.KeyServer.Tests.Capacity;

public sealed class CapacityCalibrationServiceTests : IDisposable
{
    private readonly TempDirectory _keys = new();

    [Fact]
    public void Calibrate_FillsGetCapacityAndSeedsAdmissionServiceTimes()
    {
        using var server = new KeyServerHarness(_keys.Path, workers: 2, settings: new Dictionary<string, string?>
        {
            ["KeyServer:Admission:CalibrationDuration"] = "00:00:00.035",
            ["KeyServer:Admission:Accelerator"] = "qat",
            ["KeyServer:Admission:AcceleratorMultiplier"] = "2",
        });
        Assert.Empty(server.Signing.GetCapacity().Algorithms);
        var calibration = server.Services.GetServices<IHostedService>().OfType<CapacityCalibrationService>().Single();

        calibration.Calibrate(CancellationToken.None);

        var capacity = server.Signing.GetCapacity();
        Assert.Equal(
            ["rsa2048", "rsa3072", "rsa4096", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "ed25519"],
            capacity.Algorithms.Select(a => a.Algorithm));
        Assert.All(capacity.Algorithms, a => Assert.True(a.OperationsPerSecond > 0, a.Algorithm));
        Assert.Equal("qat", capacity.Accelerator.Kind);
        Assert.Equal(2.0, capacity.Accelerator.Multiplier);
        Assert.All(KeyAlgorithms.All, a => Assert.True(server.Admission.ServiceTimes.Estimate(a) > TimeSpan.Zero));
    }

    public void Dispose() => _keys.Dispose();
}

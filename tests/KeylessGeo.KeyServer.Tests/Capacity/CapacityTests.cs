using KeylessGeo.KeyServer.Capacity;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Tests.Infrastructure;

namespace KeylessGeo.KeyServer.Tests.Capacity;

/// <summary>Accelerator detection and calibration with ephemeral keys.</summary>
public sealed class CapacityTests : IDisposable
{
    private readonly TempDirectory _root = new();

    [Fact]
    public void Accelerator_WhenNothingIsPresentOrConfigured_IsNone()
    {
        var accelerator = AcceleratorDetector.Resolve("", 4.0, _root.Path);

        Assert.Equal("", accelerator.Kind);
        Assert.Equal(1.0, accelerator.Multiplier);
    }

    [Theory]
    [InlineData("dev/qat_adf_ctl", false)]
    [InlineData("sys/bus/pci/drivers/4xxx", true)]
    [InlineData("sys/bus/pci/drivers/qat_c62x", true)]
    public void Accelerator_WhenQatIsPresent_IsDetectedWithTheMultiplier(string path, bool isDirectory)
    {
        var full = Path.Combine(_root.Path, path);
        Directory.CreateDirectory(isDirectory ? full : Path.GetDirectoryName(full)!);
        if (!isDirectory)
        {
            File.WriteAllBytes(full, []);
        }

        var accelerator = AcceleratorDetector.Resolve("", 3.5, _root.Path);

        Assert.Equal(new AcceleratorInfo("qat", 3.5, "detected"), accelerator);
        Assert.Equal(AcceleratorInfo.None, AcceleratorDetector.Resolve("none", 3.5, _root.Path));
    }

    [Fact]
    public void Accelerator_WhenConfigured_IsUsedWithoutDetection() =>
        Assert.Equal(new AcceleratorInfo("qat", 2.0, "configured"), AcceleratorDetector.Resolve("qat", 2.0, _root.Path));

    [Fact]
    public void Calibration_MeasuresEveryAlgorithmAndScalesByWorkersAndAccelerator()
    {
        var state = new CapacityState(new AcceleratorInfo("qat", 2.0, "configured"));
        foreach (var algorithm in KeyAlgorithms.All)
        {
            var serviceTime = CapacityCalibrator.MeasureServiceTime(algorithm, TimeSpan.FromMilliseconds(5), CancellationToken.None);
            Assert.True(serviceTime > TimeSpan.Zero, algorithm.Name());
            var perSecond = state.Record(algorithm, serviceTime, workers: 3);
            var expected = 3 * (algorithm == KeyAlgorithm.Ed25519 ? 1.0 : 2.0) / serviceTime.TotalSeconds;
            Assert.Equal(expected, perSecond, 6);
        }

        Assert.Equal(KeyAlgorithms.All, state.Measured.Select(m => m.Algorithm));
    }

    public void Dispose() => _root.Dispose();
}

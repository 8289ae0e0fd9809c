using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Configuration;

/// <summary>Configuration errors are all reported at once, each naming the field and the bad value.</summary>
public sealed class KeyServerOptionsValidatorTests : IDisposable
{
    private readonly TempDirectory _keys = new();

    [Fact]
    public void Validate_WithSeveralErrors_ReportsEveryOneNamingFieldAndValue()
    {
        var options = new KeyServerOptions
        {
            Id = "",
            Datacenter = "fra1",
            KeysDirectory = "/no/such/folder",
            PrivateKeyCacheCapacity = 0,
            ReloadDebounce = TimeSpan.FromSeconds(-1),
            Admission = new AdmissionOptions
            {
                Workers = -3,
                QueueLimit = 0,
                DefaultDeadline = TimeSpan.FromSeconds(-1),
                Accelerator = "gpu",
                AcceleratorMultiplier = 0.5,
                CalibrationDuration = TimeSpan.FromHours(1),
            },
        };

        var result = new KeyServerOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(10, failures.Count);
        Assert.Contains(failures, f => f.Contains("KeyServer:ReloadDebounce", StringComparison.Ordinal) && f.Contains("-00:00:01", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("KeyServer:Id is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("KeyServer:KeysDirectory '/no/such/folder'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("KeyServer:PrivateKeyCacheCapacity", StringComparison.Ordinal) && f.EndsWith("got 0.", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("KeyServer:Admission:Workers", StringComparison.Ordinal) && f.EndsWith("got -3.", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("KeyServer:Admission:QueueLimit", StringComparison.Ordinal) && f.EndsWith("got 0.", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("KeyServer:Admission:DefaultDeadline", StringComparison.Ordinal) && f.Contains("-00:00:01", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("KeyServer:Admission:Accelerator", StringComparison.Ordinal) && f.Contains("'gpu'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("KeyServer:Admission:AcceleratorMultiplier", StringComparison.Ordinal) && f.Contains("0.5", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("KeyServer:Admission:CalibrationDuration", StringComparison.Ordinal) && f.Contains("01:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WithAGoodConfiguration_Succeeds()
    {
        var options = new KeyServerOptions { Id = "ks1", Datacenter = "fra1", KeysDirectory = _keys.Path };

        Assert.True(new KeyServerOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void AddKeyServerCore_BindsTheKeyServerSectionAndFailsWithAllErrors()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = "ks1",
            ["KeyServer:KeysDirectory"] = _keys.Path,
            ["KeyServer:Admission:Workers"] = "0",
        }).Build();
        using var provider = new ServiceCollection().AddKeyServerCore(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<KeyServerOptions>>().Value);

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.StartsWith("KeyServer:Datacenter", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("KeyServer:Admission:Workers", StringComparison.Ordinal));
    }

    [Fact]
    public void SampleConfiguration_BindsEveryField()
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "keyserver.sample.json");
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(sample)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["KeyServer:KeysDirectory"] = _keys.Path })
            .Build();
        using var provider = new ServiceCollection().AddKeyServerCore(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<KeyServerOptions>>().Value;

        Assert.Equal("ks-fra1-01", options.Id);
        Assert.Equal(4, options.Admission.Workers);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Admission.DefaultDeadline);
        Assert.Equal(TimeSpan.FromMilliseconds(1400), options.Admission.CalibrationDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.ReloadDebounce);
    }

    public void Dispose() => _keys.Dispose();
}

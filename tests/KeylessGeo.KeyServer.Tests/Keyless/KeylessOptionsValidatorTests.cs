using KeylessGeo.KeyServer.Hosting;
using KeylessGeo.Serving.Hosting;
using KeylessGeo.Serving.Keyless;
using Microsoft.Extensions.Configuration;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>Validation of the <c>Keyless</c> section against the <c>Listen</c> section it defaults from.</summary>
public sealed class KeylessOptionsValidatorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("keylessgeo-keyless-options-").FullName;

    [Fact]
    public void Validate_Defaults_WithListenCertificates_Succeeds()
    {
        var result = Validate(new KeylessOptions(), Listen());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_ListsEveryProblem_EachNamingTheFieldAndValue()
    {
        var options = new KeylessOptions
        {
            Port = 70000,
            MaxInFlightPerConnection = 0,
            MaxBodyLength = 100,
        };

        var failures = Validate(options, Listen()).Failures!.ToList();

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Keyless:Port 70000", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Keyless:MaxInFlightPerConnection 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Keyless:MaxBodyLength 100", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("kestrel")]
    [InlineData("epoll")]
    [InlineData("EPOLL")]
    public void Validate_AKnownTransport_Succeeds(string transport)
    {
        var result = Validate(new KeylessOptions { Transport = transport, EpollLoops = 4 }, Listen());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_AnUnknownTransportAndABadLoopCount_AreListedTogether()
    {
        var failures = Validate(new KeylessOptions { Transport = "iouring", EpollLoops = -1 }, Listen()).Failures!.ToList();

        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Keyless:Transport 'iouring' is not a Keyless transport", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Keyless:EpollLoops -1", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TooManyEpollLoops_IsRefused()
    {
        var failure = Assert.Single(Validate(new KeylessOptions { Transport = "epoll", EpollLoops = KeylessOptions.MaxEpollLoops + 1 }, Listen()).Failures!);

        Assert.StartsWith($"Keyless:EpollLoops {KeylessOptions.MaxEpollLoops + 1} is outside 0..{KeylessOptions.MaxEpollLoops}", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConnectionLimitsTimeoutsAndBudget_ListEveryProblem()
    {
        var options = new KeylessOptions
        {
            MaxConnections = 0,
            MaxConnectionsPerClient = 0,
            IdleTimeout = TimeSpan.Zero,
            PartialMessageTimeout = TimeSpan.FromSeconds(-1),
            ResponseBudgetGracePeriod = TimeSpan.FromDays(2),
            MaxResponseBytesPerConnection = 1000,
            ResponseBytesBudget = 500,
        };

        var failures = Validate(options, Listen()).Failures!.ToList();

        string[] expected =
        [
            "Keyless:MaxConnections 0 must be at least 1.",
            "Keyless:MaxConnectionsPerClient 0 must be between 1 and Keyless:MaxConnections (0).",
            "Keyless:IdleTimeout 00:00:00 must be more than 00:00:00 and at most 1.00:00:00 (1 day).",
            "Keyless:PartialMessageTimeout -00:00:01 must be more than 00:00:00 and at most 1.00:00:00 (1 day).",
            "Keyless:ResponseBudgetGracePeriod 2.00:00:00 must be more than 00:00:00 and at most 1.00:00:00 (1 day).",
            "Keyless:MaxResponseBytesPerConnection 1000 must be at least Keyless:MaxBodyLength + 8 (16392): a connection must be able to hold the echo of one maximal ping.",
            "Keyless:ResponseBytesBudget 500 must be at least Keyless:MaxResponseBytesPerConnection (1000).",
        ];
        Assert.Equal(expected, failures);
    }

    [Fact]
    public void Validate_MoreConnectionsPerClientThanForThePort_IsRefused()
    {
        var failures = Validate(new KeylessOptions { MaxConnections = 10, MaxConnectionsPerClient = 11 }, Listen()).Failures!;

        Assert.Equal("Keyless:MaxConnectionsPerClient 11 must be between 1 and Keyless:MaxConnections (10).", Assert.Single(failures));
    }

    [Fact]
    public void Defaults_AreTheDocumentedProductionValues()
    {
        var options = new KeylessOptions();

        Assert.Equal(4096, options.MaxConnections);
        Assert.Equal(256, options.MaxConnectionsPerClient);
        Assert.Equal(TimeSpan.FromMinutes(5), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.PartialMessageTimeout);
        Assert.Equal(2 * 1024 * 1024, options.MaxResponseBytesPerConnection);
        Assert.Equal(64 * 1024 * 1024, options.ResponseBytesBudget);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ResponseBudgetGracePeriod);
    }

    [Theory]
    [InlineData(1015, false)]
    [InlineData(1016, true)]
    [InlineData(65535, true)]
    [InlineData(65536, false)]
    public void Validate_MaxBodyLength_MustFitAPaddedRequestAndTheHeaderField(int maxBodyLength, bool valid)
    {
        Assert.Equal(valid, Validate(new KeylessOptions { MaxBodyLength = maxBodyLength }, Listen()).Succeeded);
    }

    [Fact]
    public void Validate_BadAddress_AndTheGrpcPort_AreRefused()
    {
        var failures = Validate(new KeylessOptions { Address = "not-an-ip", Port = 7443 }, Listen(address: "0.0.0.0")).Failures!.ToList();

        Assert.Contains(failures, f => f.Contains("Keyless:Address 'not-an-ip'", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("also Listen:Port", StringComparison.Ordinal)); // the bad address is reported instead
        var clash = Validate(new KeylessOptions { Port = 7443 }, Listen()).Failures!;
        Assert.Contains(clash, f => f.Contains("Keyless:Port 7443 is also Listen:Port", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OwnCertificatePaths_MustExist()
    {
        var missing = Path.Combine(_directory, "missing.crt");

        var failures = Validate(new KeylessOptions { CertificatePath = missing }, Listen()).Failures!;

        Assert.Equal($"Keyless:CertificatePath '{missing}' does not exist.", Assert.Single(failures));
    }

    [Fact]
    public void Validate_InheritedMissingFiles_AreLeftToTheListenValidator()
    {
        var listen = Listen() with { CertificatePath = Path.Combine(_directory, "gone.crt") };

        Assert.True(Validate(new KeylessOptions(), listen).Succeeded);
    }

    [Fact]
    public void Validate_WithoutAnyCertificate_WhenTheGrpcTlsEndpointIsOff_AsksForOne()
    {
        var listen = new ListenOptions { Port = -1, PlaintextPort = 7080 };

        var failures = Validate(new KeylessOptions(), listen).Failures!.ToList();

        Assert.Equal(3, failures.Count);
        Assert.All(failures, f => Assert.Contains("is required while the Keyless listener is enabled", f, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, 2407)]
    [InlineData(true, -1)]
    public void Validate_DisabledListener_NeedsNoCertificate(bool enabled, int port)
    {
        var listen = new ListenOptions { Port = -1, PlaintextPort = 7080 };

        Assert.True(Validate(new KeylessOptions { Enabled = enabled, Port = port }, listen).Succeeded);
    }

    [Fact]
    public void WithDefaultsFrom_TakesEmptyFieldsFromListen()
    {
        var resolved = new KeylessOptions { KeyPath = "/own.key" }.WithDefaultsFrom(Listen(address: "10.0.0.1"));

        Assert.Equal("10.0.0.1", resolved.Address);
        Assert.Equal(Path.Combine(_directory, "server.crt"), resolved.CertificatePath);
        Assert.Equal("/own.key", resolved.KeyPath);
        Assert.Equal(Path.Combine(_directory, "ca.crt"), resolved.ClientCaPath);
    }

    [Fact]
    public void SampleConfiguration_BindsTheKeylessSection()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "keyserver.sample.json"))
            .Build();

        var options = configuration.GetSection(KeylessOptions.SectionName).Get<KeylessOptions>();

        Assert.NotNull(options);
        Assert.True(options.IsListening);
        Assert.Equal(KeylessOptions.DefaultPort, options.Port);
        Assert.Equal(1024, options.MaxInFlightPerConnection);
        Assert.Equal(16384, options.MaxBodyLength);
        Assert.Equal(new KeylessOptions(), options); // the sample shows every default
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(KeylessOptions options, ListenOptions listen) =>
        new KeylessOptionsValidator().Validate(options, listen);

    private ListenOptions Listen(string address = "127.0.0.1")
    {
        foreach (var name in new[] { "server.crt", "server.key", "ca.crt" })
        {
            File.WriteAllText(Path.Combine(_directory, name), "");
        }

        return new ListenOptions
        {
            Address = address,
            Port = 7443,
            CertificatePath = Path.Combine(_directory, "server.crt"),
            KeyPath = Path.Combine(_directory, "server.key"),
            ClientCaPath = Path.Combine(_directory, "ca.crt"),
        };
    }
}

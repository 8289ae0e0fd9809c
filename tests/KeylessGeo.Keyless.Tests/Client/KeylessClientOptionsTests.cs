using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Client;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Testing;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>Option validation and requests the client refuses before sending anything.</summary>
public sealed class KeylessClientOptionsTests
{
    [Fact]
    public void Validate_ListsEveryProblemNamingTheFieldAndValue()
    {
        using var tls = TestTlsMaterial.Create();
        using var publicOnly = X509CertificateLoader.LoadCertificate(tls.ClientCertificate.RawData);
        var options = new KeylessClientOptions
        {
            Host = " ",
            Port = 70000,
            ClientCertificate = publicOnly,
            TrustedCa = [],
            ConnectionCount = 0,
            MaxInFlightPerConnection = 0,
            ConnectTimeout = TimeSpan.Zero,
            RequestTimeout = Timeout.InfiniteTimeSpan,
            ReconnectBackoffInitial = TimeSpan.FromSeconds(10),
            ReconnectBackoffMax = TimeSpan.FromSeconds(1),
        };

        var errors = options.Validate();

        Assert.Equal(9, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Host is ' '", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Port is 70000", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ClientCertificate", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("TrustedCa is empty", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ConnectionCount is 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MaxInFlightPerConnection is 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ConnectTimeout is", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("RequestTimeout is", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ReconnectBackoffMax is", StringComparison.Ordinal));
        var thrown = Assert.Throws<ArgumentException>(() => new KeylessClient(options));
        Assert.Contains("Port is 70000", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AcceptsTheDefaults()
    {
        using var tls = TestTlsMaterial.Create();

        var options = new KeylessClientOptions { Host = "keys.example", ClientCertificate = tls.ClientCertificate, TrustedCa = tls.TrustedCa };

        Assert.Empty(options.Validate());
        Assert.Equal(2407, options.Port);
        Assert.Equal(2, options.ConnectionCount);
        Assert.Equal(1024, options.MaxInFlightPerConnection);
    }

    [Fact]
    public async Task Sign_WhenAnIdentifierHasAForbiddenSize_ReturnsBadRequestWithoutSending()
    {
        await using var harness = ClientHarness.Start();

        var result = await harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest(), ski: new byte[19]), ClientHarness.Generous);
        var ping = await harness.Client.PingAsync("still fine"u8.ToArray(), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.BadRequest, result.Code);
        Assert.False(result.MayHaveReachedServer);
        Assert.Contains("SKI", result.Message, StringComparison.Ordinal);
        Assert.True(ping.IsSuccess, ping.ToString());
        Assert.Single(harness.Server.Received);
    }

    [Theory]
    [InlineData(KeylessOpcode.Response)]
    [InlineData(KeylessOpcode.Pong)]
    [InlineData(KeylessOpcode.Error)]
    public async Task Sign_WithAResponseOpcode_ReturnsBadRequestWithoutConnecting(KeylessOpcode opcode)
    {
        await using var harness = ClientHarness.Start();

        var result = harness.Client.SignAsync(new KeylessOperationRequest { Opcode = opcode, Payload = new byte[32] }, ClientHarness.Generous);

        Assert.True(result.IsCompletedSuccessfully);
        Assert.Equal(ErrorCode.BadRequest, result.Result.Code);
        Assert.Equal(0, harness.Client.ConnectionCount);
    }
}

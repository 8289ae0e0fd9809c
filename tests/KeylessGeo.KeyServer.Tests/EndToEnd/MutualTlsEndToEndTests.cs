using Grpc.Core;
using Grpc.Net.Client;
using KeylessGeo.Contracts.V1;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>The real keyserver accepts only client certificates from its CA that are currently valid.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class MutualTlsEndToEndTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task Sign_WithoutClientCertificate_IsRefusedBeforeTheCall()
    {
        using var channel = fixture.Host.CreateChannel(noClientCertificate: true);
        await AssertRejectedAsync(channel);
    }

    [Fact]
    public async Task Sign_WithClientCertificateFromAnotherCa_IsRefusedBeforeTheCall()
    {
        using var channel = fixture.Host.CreateChannel(fixture.Tls.OtherCaClientCertificate);
        await AssertRejectedAsync(channel);
    }

    [Fact]
    public async Task Sign_WithExpiredClientCertificate_IsRefusedBeforeTheCall()
    {
        using var channel = fixture.Host.CreateChannel(fixture.Tls.ExpiredClientCertificate);
        await AssertRejectedAsync(channel);
    }

    [Fact]
    public async Task Sign_WithValidClientCertificate_Works()
    {
        using var channel = fixture.Host.CreateChannel(fixture.Tls.ClientCertificate);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var response = await new KeyServerClient(channel).SignAsync(Request(), cancellationToken: timeout.Token);

        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
    }

    private static SignRequest Request() => new()
    {
        Id = 1,
        Key = new KeyRef { KeyId = EndToEndFixture.EcP256 },
        Operation = Operation.EcdsaSha256,
        Payload = Google.Protobuf.ByteString.CopyFrom(new byte[32]),
    };

    private static async Task AssertRejectedAsync(GrpcChannel channel)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new KeyServerClient(channel).SignAsync(Request(), cancellationToken: timeout.Token));
        TlsRefusal.AssertRefusedBeforeTheCall(error);
    }
}

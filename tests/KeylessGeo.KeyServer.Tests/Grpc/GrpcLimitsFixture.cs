using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Net.Client;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.EndToEnd;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.Grpc;

/// <summary>
/// One ECDSA P-256 key and the certificates for the gRPC limit tests; each test starts its own
/// keyserver with the limits it exercises.
/// </summary>
public sealed class GrpcLimitsFixture : IAsyncLifetime
{
    public const string Key = "ecp256";

    public TestTlsMaterial Tls { get; } = TestTlsMaterial.Create();

    public TestKeyDirectory Keys { get; } = new();

    public Task InitializeAsync() => Keys.AddAsync(Key, TestKeyType.EcP256);

    public Task DisposeAsync()
    {
        Keys.Dispose();
        Tls.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Starts a keyserver with <paramref name="settings"/> (and a generous default deadline for a loaded test machine).</summary>
    public Task<KeyServerTestHost> StartAsync(Dictionary<string, string?> settings, CapturingLoggerProvider? logs, CancellationToken cancellationToken) =>
        StartAsync(settings, logs, null, cancellationToken);

    /// <summary>Starts a keyserver with <paramref name="settings"/> and services <paramref name="configureServices"/> changes.</summary>
    public Task<KeyServerTestHost> StartAsync(
        Dictionary<string, string?> settings, CapturingLoggerProvider? logs, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        settings.TryAdd("KeyServer:Admission:DefaultDeadline", "00:01:00");
        return KeyServerTestHost.StartAsync(
            Keys.Path,
            Tls,
            new KeyServerTestHostOptions { Settings = settings, LoggerProviders = logs is null ? [] : [logs], ConfigureServices = configureServices },
            cancellationToken);
    }

    /// <summary>
    /// Turns Kestrel's minimum response data rate off: it may close a connection whose client
    /// grants no flow-control credit after five seconds or more (in some runs it did, in others
    /// not), so tests of the response budget isolate the budget with it.
    /// </summary>
    public static void WithoutMinimumResponseDataRate(IServiceCollection services) =>
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MinResponseDataRate = null);

    /// <summary>A signing request for <see cref="Key"/> over the SHA-256 of <paramref name="text"/>.</summary>
    public static SignRequest Request(ulong id, string text) => new()
    {
        Id = id,
        Key = new KeyRef { KeyId = Key },
        Operation = Operation.EcdsaSha256,
        Payload = ByteString.CopyFrom(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))),
    };

    /// <summary>Signs once on <paramref name="channel"/> and checks the signature.</summary>
    public async Task SignAsync(GrpcChannel channel, CancellationToken cancellationToken)
    {
        var request = Request(1, "limits " + Guid.NewGuid());
        var response = await new KeyServerClient(channel).SignAsync(request, cancellationToken: cancellationToken);
        AssertSigned(request, response);
    }

    /// <summary>Asserts <paramref name="response"/> carries a valid signature over <paramref name="request"/>'s digest.</summary>
    public void AssertSigned(SignRequest request, SignResponse response)
    {
        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        Assert.Equal(request.Id, response.Id);
        Assert.True(SignatureCheck.InProcess(Keys, Key, Operation.EcdsaSha256, request.Payload.ToByteArray(), response.Result.ToByteArray()));
    }

    /// <summary>A client certificate of its own identity.</summary>
    public X509Certificate2 Identity(string name) => Tls.Ca.IssueClientCertificate(name);
}

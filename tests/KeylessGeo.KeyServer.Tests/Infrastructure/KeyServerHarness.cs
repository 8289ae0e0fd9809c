using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Infrastructure;

/// <summary>The signing core wired through AddKeyServerCore, without a host, over one key directory.</summary>
public sealed class KeyServerHarness : IDisposable
{
    private readonly ServiceProvider _provider;

    public KeyServerHarness(string keysDirectory, int cacheCapacity = 1024, int workers = 2, int queueLimit = 64, TimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["KeyServer:Id"] = "ks-test-1",
            ["KeyServer:Datacenter"] = "tst1",
            ["KeyServer:KeysDirectory"] = keysDirectory,
            ["KeyServer:PrivateKeyCacheCapacity"] = cacheCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["KeyServer:Admission:Workers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["KeyServer:Admission:QueueLimit"] = queueLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["KeyServer:Admission:Accelerator"] = settings is not null && settings.TryGetValue("KeyServer:Admission:Accelerator", out var accelerator) ? accelerator : "none",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddKeyServerCore(configuration);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Signing = _provider.GetRequiredService<ISigningService>();
        Keys = (KeyStore)_provider.GetRequiredService<IKeyStore>();
        Admission = _provider.GetRequiredService<AdmissionController>();
        Keys.Reload();
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public ISigningService Signing { get; }

    internal KeyStore Keys { get; }

    internal AdmissionController Admission { get; }

    public IServiceProvider Services => _provider;

    public Task<SignResponse> SignAsync(KeyRef key, Operation operation, byte[] payload, ulong id = 1) =>
        Signing.SignAsync(
            new SignRequest { Id = id, Key = key, Operation = operation, Payload = Google.Protobuf.ByteString.CopyFrom(payload) },
            deadline: null,
            CancellationToken.None).AsTask();

    public Task<SignResponse> SignAsync(string keyId, Operation operation, byte[] payload, ulong id = 1) =>
        SignAsync(new KeyRef { KeyId = keyId }, operation, payload, id);

    public void Dispose() => _provider.Dispose();
}

using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KeylessGeo.Benchmarks;

/// <summary>
/// One ECDSA P-256 signature: raw .NET/OpenSSL (the baseline) against the keyserver's whole
/// in-process pipeline (lookup, admission, worker hop, response), without the transport.
/// </summary>
[MemoryDiagnoser]
public class SigningPipelineBenchmarks
{
    private readonly byte[] _digest = SHA256.HashData("benchmark"u8);
    private ECDsa _raw = null!;
    private ServiceProvider _services = null!;
    private ISigningService _signing = null!;
    private SignRequest _request = null!;
    private string _directory = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _raw = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _directory = Directory.CreateTempSubdirectory("keylessgeo-bench-").FullName;
        var keyPath = Path.Combine(_directory, "bench.key");
        File.WriteAllText(keyPath, _raw.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Combine(_directory, "bench.pub"), _raw.ExportSubjectPublicKeyInfoPem());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = "ks-bench",
            ["KeyServer:Datacenter"] = "bench1",
            ["KeyServer:KeysDirectory"] = _directory,
            ["KeyServer:Admission:CalibrationDuration"] = "00:00:00",
        }).Build();
        _services = new ServiceCollection().AddLogging().AddKeyServerCore(configuration).BuildServiceProvider();
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        _signing = _services.GetRequiredService<ISigningService>();
        _request = new SignRequest
        {
            Id = 1,
            Key = new KeyRef { KeyId = "bench" },
            Operation = Operation.EcdsaSha256,
            Payload = ByteString.CopyFrom(_digest),
        };
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        _raw.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public byte[] RawEcdsaSignHash() => _raw.SignHash(_digest, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark]
    public async Task<SignResponse> SigningServiceSign() => await _signing.SignAsync(_request, null, CancellationToken.None);
}

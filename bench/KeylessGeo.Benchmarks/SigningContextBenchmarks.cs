using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using KeylessGeo.KeyServer.Crypto;

namespace KeylessGeo.Benchmarks;

/// <summary>
/// One signature the way the keyserver signed before issue 13's context reuse (.NET's
/// <c>TrySignHash</c>: a new OpenSSL context set up per call), the same set-up done by hand, and
/// the keyserver's call now (<see cref="SignContextPool"/>: an initialised context reused), for
/// ECDSA P-256 and RSA-2048 (PKCS#1 v1.5 and PSS, SHA-256). Single-threaded, so time is CPU time.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SigningContextBenchmarks
{
    private readonly byte[] _digest = SHA256.HashData("benchmark"u8);
    private readonly byte[] _signature = new byte[512];
    private ECDsaOpenSsl _ecdsa = null!;
    private RSAOpenSsl _rsa = null!;
    private SafeEvpPKeyHandle _ecdsaHandle = null!;
    private SafeEvpPKeyHandle _rsaHandle = null!;
    private SignContextPool _ecdsaPool = null!;
    private SignContextPool _rsaPool = null!;
    private SignContextPool _pssPool = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ecdsa = new ECDsaOpenSsl(ECCurve.NamedCurves.nistP256);
        _rsa = new RSAOpenSsl(2048);
        _ecdsaHandle = _ecdsa.DuplicateKeyHandle();
        _rsaHandle = _rsa.DuplicateKeyHandle();
        _ecdsaPool = new SignContextPool(_ecdsaHandle, SignContextKind.Ecdsa, SignContextPool.DefaultSlots);
        _rsaPool = new SignContextPool(_rsaHandle, SignContextKind.RsaPkcs1Sha256, SignContextPool.DefaultSlots);
        _pssPool = new SignContextPool(_rsaHandle, SignContextKind.RsaPssSha256, SignContextPool.DefaultSlots);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ecdsaPool.Dispose();
        _rsaPool.Dispose();
        _pssPool.Dispose();
        _ecdsaHandle.Dispose();
        _rsaHandle.Dispose();
        _ecdsa.Dispose();
        _rsa.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("ECDSA P-256")]
    public int EcdsaTrySignHash() =>
        _ecdsa.TrySignHash(_digest, _signature, DSASignatureFormat.Rfc3279DerSequence, out var written) ? written : -1;

    [Benchmark]
    [BenchmarkCategory("ECDSA P-256")]
    public int EcdsaNewContextPerCall() => SignWithNewContext(_ecdsaHandle, SignContextKind.Ecdsa);

    [Benchmark]
    [BenchmarkCategory("ECDSA P-256")]
    public int EcdsaReusedContext() => _ecdsaPool.Sign(_digest, _signature);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("RSA-2048 PKCS#1")]
    public int RsaPkcs1TrySignHash() =>
        _rsa.TrySignHash(_digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out var written) ? written : -1;

    [Benchmark]
    [BenchmarkCategory("RSA-2048 PKCS#1")]
    public int RsaPkcs1ReusedContext() => _rsaPool.Sign(_digest, _signature);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("RSA-2048 PSS")]
    public int RsaPssTrySignHash() =>
        _rsa.TrySignHash(_digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss, out var written) ? written : -1;

    [Benchmark]
    [BenchmarkCategory("RSA-2048 PSS")]
    public int RsaPssReusedContext() => _pssPool.Sign(_digest, _signature);

    private unsafe int SignWithNewContext(SafeEvpPKeyHandle key, SignContextKind kind)
    {
        using var ctx = OpenSslOperations.NewContext(key);
        SignContextSetup.Initialise(ctx, kind);
        var length = (nuint)_signature.Length;
        fixed (byte* tbs = _digest)
        fixed (byte* sig = _signature)
        {
            OpenSslOperations.Check(LibCrypto.EVP_PKEY_sign(ctx, sig, ref length, tbs, (nuint)_digest.Length), "EVP_PKEY_sign");
        }

        return (int)length;
    }
}

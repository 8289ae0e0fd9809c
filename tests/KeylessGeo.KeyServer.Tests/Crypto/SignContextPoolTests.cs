using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Crypto;
using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Tests.Crypto;

/// <summary>
/// The reused signing contexts: every kind signs what the public key verifies, many threads share
/// one key's few contexts, and every context is freed with its key — never under a signer.
/// </summary>
public sealed class SignContextPoolTests
{
    private static readonly byte[] Message = "signed with a reused context"u8.ToArray();

    [Theory]
    [InlineData("nistP256", 32)]
    [InlineData("nistP256", 48)]
    [InlineData("nistP384", 48)]
    [InlineData("nistP384", 20)]
    public void Sign_Ecdsa_IsDerThePublicKeyVerifies(string curve, int digestLength)
    {
        using var ecdsa = new ECDsaOpenSsl(ECCurve.CreateFromFriendlyName(curve));
        using var handle = ecdsa.DuplicateKeyHandle();
        using var pool = new SignContextPool(handle, SignContextKind.Ecdsa, slots: 2);
        var digest = RandomNumberGenerator.GetBytes(digestLength);
        var signature = new byte[256];

        for (var i = 0; i < 3; i++)
        {
            // The same context signs again: each signature verifies, and a different digest does not.
            var written = pool.Sign(digest, signature);
            var der = signature.AsSpan(0, written);
            Assert.Equal(0x30, der[0]);
            Assert.True(ecdsa.VerifyHash(digest, der, DSASignatureFormat.Rfc3279DerSequence), $"signature {i} did not verify");
            var other = (byte[])digest.Clone();
            other[0] ^= 1;
            Assert.False(ecdsa.VerifyHash(other, der, DSASignatureFormat.Rfc3279DerSequence));
        }

        Assert.Equal(1, pool.LiveContexts);
    }

    public static TheoryData<int, string, bool> RsaKinds() => new()
    {
        { (int)SignContextKind.RsaPkcs1Sha1, "SHA1", false },
        { (int)SignContextKind.RsaPkcs1Sha256, "SHA256", false },
        { (int)SignContextKind.RsaPkcs1Sha384, "SHA384", false },
        { (int)SignContextKind.RsaPkcs1Sha512, "SHA512", false },
        { (int)SignContextKind.RsaPssSha256, "SHA256", true },
        { (int)SignContextKind.RsaPssSha384, "SHA384", true },
        { (int)SignContextKind.RsaPssSha512, "SHA512", true },
    };

    [Theory]
    [MemberData(nameof(RsaKinds))]
    public void Sign_Rsa_ThePublicKeyVerifiesWithTheSamePaddingAndHash(int kindValue, string hashName, bool pss)
    {
        var kind = (SignContextKind)kindValue;
        using var rsa = new RSAOpenSsl(2048);
        using var handle = rsa.DuplicateKeyHandle();
        using var pool = new SignContextPool(handle, kind, slots: 2);
        var hash = new HashAlgorithmName(hashName);
        var padding = pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        var digest = Hash(hashName, Message);
        var signature = new byte[256];

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(256, pool.Sign(digest, signature));
            Assert.True(rsa.VerifyHash(digest, signature, hash, padding), $"{kind} signature {i} did not verify");
            Assert.False(rsa.VerifyHash(Hash(hashName, "other"u8.ToArray()), signature, hash, padding));
        }

        if (!pss)
        {
            // PKCS#1 v1.5 is deterministic: the same bytes as .NET's own signature.
            Assert.Equal(rsa.SignHash(digest, hash, padding), signature);
        }
    }

    [Fact]
    public void Sign_RsaPkcs1Raw_PadsTheInputAsGiven()
    {
        using var rsa = new RSAOpenSsl(2048);
        using var handle = rsa.DuplicateKeyHandle();
        using var pool = new SignContextPool(handle, SignContextKind.RsaPkcs1Raw, slots: 1);
        var digest = SHA256.HashData(Message);

        // Given SHA-256's DigestInfo and the digest, raw PKCS#1 v1.5 is exactly a SHA-256 PKCS#1 signature.
        byte[] digestInfo = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20, .. digest];
        var signature = new byte[256];
        Assert.Equal(256, pool.Sign(digestInfo, signature));

        Assert.Equal(rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), signature);
    }

    [Fact]
    public void Sign_RsaPkcs1Sha224_IsRawPkcs1OverSha224sDigestInfo()
    {
        // .NET cannot verify SHA-224 RSA signatures; raw PKCS#1 over the DigestInfo is the same signature.
        using var rsa = new RSAOpenSsl(2048);
        using var handle = rsa.DuplicateKeyHandle();
        using var sha224 = new SignContextPool(handle, SignContextKind.RsaPkcs1Sha224, slots: 1);
        using var raw = new SignContextPool(handle, SignContextKind.RsaPkcs1Raw, slots: 1);
        var digest = RandomNumberGenerator.GetBytes(28);
        byte[] digestInfo = [0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c, .. digest];
        var signature = new byte[256];
        var expected = new byte[256];

        Assert.Equal(256, sha224.Sign(digest, signature));
        Assert.Equal(256, raw.Sign(digestInfo, expected));

        Assert.Equal(expected, signature);
    }

    [Fact]
    public void Sign_FromManyThreadsOnOneKey_EverySignatureVerifiesAndAtMostTheSlotsStayIdle()
    {
        const int Threads = 12;
        const int SignaturesPerThread = 150;
        using var ecdsa = new ECDsaOpenSsl(ECCurve.NamedCurves.nistP256);
        using var handle = ecdsa.DuplicateKeyHandle();
        using var pool = new SignContextPool(handle, SignContextKind.Ecdsa, slots: 2);
        using var start = new Barrier(Threads);
        var failures = 0;

        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var signature = new byte[128];
            start.SignalAndWait();
            for (var i = 0; i < SignaturesPerThread; i++)
            {
                // A digest of this thread and iteration: a context shared by two threads at once would
                // mix their signatures, and one of them would not verify.
                var digest = SHA256.HashData(BitConverter.GetBytes(t * 100_000 + i));
                var written = pool.Sign(digest, signature);
                if (!ecdsa.VerifyHash(digest, signature.AsSpan(0, written), DSASignatureFormat.Rfc3279DerSequence))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        Assert.Equal(0, failures);
        // Surplus contexts were freed on return; only what the slots hold is left.
        Assert.InRange(pool.LiveContexts, 1, 2);
    }

    [Fact]
    public void Dispose_WhileIdle_FreesEveryContext_AndLaterUseIsRefused()
    {
        using var ecdsa = new ECDsaOpenSsl(ECCurve.NamedCurves.nistP256);
        using var handle = ecdsa.DuplicateKeyHandle();
        var pool = new SignContextPool(handle, SignContextKind.Ecdsa, slots: 4);
        var digest = SHA256.HashData(Message);
        var signature = new byte[128];
        pool.Sign(digest, signature);
        Assert.Equal(1, pool.LiveContexts);

        pool.Dispose();

        Assert.Equal(0, pool.LiveContexts);
        Assert.Throws<ObjectDisposedException>(() => pool.Sign(digest, signature));
        Assert.Equal(0, pool.LiveContexts);
    }

    [Fact]
    public void Sign_WhenOpenSslFails_NamesTheCall_FreesThatContext_AndTheNextSignatureWorks()
    {
        using var rsa = new RSAOpenSsl(2048);
        using var handle = rsa.DuplicateKeyHandle();
        using var pool = new SignContextPool(handle, SignContextKind.RsaPssSha256, slots: 2);
        var signature = new byte[256];

        // PSS with SHA-256 needs a 32-byte digest; OpenSSL refuses 31.
        var failure = Assert.Throws<CryptographicException>(() => pool.Sign(new byte[31], signature));
        Assert.Equal("OpenSSL EVP_PKEY_sign failed", failure.Message);
        Assert.Equal(0, pool.LiveContexts);

        var digest = SHA256.HashData(Message);
        Assert.Equal(256, pool.Sign(digest, signature));
        Assert.True(rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
    }

    [Fact]
    public void PrivateKey_LastReleaseFreesItsContexts_NotAnEarlierOne()
    {
        var ecdsa = new ECDsaOpenSsl(ECCurve.NamedCurves.nistP256);
        using var verifier = new ECDsaOpenSsl(ECCurve.NamedCurves.nistP256);
        verifier.ImportSubjectPublicKeyInfo(ecdsa.ExportSubjectPublicKeyInfo(), out _);
        var key = PrivateKey.ForEcdsa(Indexed(ecdsa.ExportSubjectPublicKeyInfo()), ecdsa);
        var contexts = key.Contexts!;
        var digest = SHA256.HashData(Message);

        // An operation's reference, then the cache's reference dropped (an eviction) while it holds the key.
        Assert.True(key.TryAddReference());
        key.Release();
        var signature = PrivateKeyOperations.Execute(key, Operation.EcdsaSha256, digest);
        Assert.True(verifier.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(1, contexts.LiveContexts);

        key.Release();

        Assert.Equal(0, contexts.LiveContexts);
        Assert.False(key.TryAddReference());
    }

    private static byte[] Hash(string name, byte[] data) => name switch
    {
        "SHA1" => SHA1.HashData(data),
        "SHA256" => SHA256.HashData(data),
        "SHA384" => SHA384.HashData(data),
        _ => SHA512.HashData(data),
    };

    private static IndexedKey Indexed(byte[] spki) => new()
    {
        KeyId = "pool-test",
        Algorithm = KeyAlgorithm.EcdsaP256,
        ModulusBytes = 0,
        KeySizeBits = 256,
        SubjectPublicKeyInfo = spki,
        Ski = new byte[20],
        PublicKeySource = "private key",
    };
}

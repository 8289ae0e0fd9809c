using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Crypto;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>
/// The loaded-key cache under the lifetimes key grains and disposing keyservers give it: signing
/// with every native code path (libcrypto RSA sign and raw decrypt, Ed25519, .NET RSA and ECDSA)
/// while other threads evict, trim and clear the same keys. A key must stay usable, and correct,
/// for as long as an operation holds it, and be freed exactly once afterwards.
/// </summary>
[Collection(TestKeysCollection.Name)]
public sealed class PrivateKeyCacheConcurrencyTests
{
    private const int Workers = 4;
    private const int OperationsPerWorker = 300;

    private readonly TestKeys _keys;

    public PrivateKeyCacheConcurrencyTests(TestKeys keys) => _keys = keys;

    [Fact]
    public void Lease_OutlivesEvictionAndClear_AndTheKeyStillSigns()
    {
        var cache = new PrivateKeyCache(capacity: 4, NullLogger.Instance);
        var rsa = Index(TestKeys.Rsa2048Pkcs1);
        var ed25519 = Index(TestKeys.Ed25519);
        var digest = SHA256.HashData("held across eviction"u8);
        using var rsaPublic = PublicRsa(rsa);

        using (var rsaLease = cache.Acquire(rsa))
        using (var edLease = cache.Acquire(ed25519))
        {
            Assert.True(cache.Evict(rsa.KeyId));
            cache.Clear();
            Assert.Equal(0, cache.LoadedCount);

            // Both keys are out of the cache; the leases alone keep them alive and usable.
            var native = PrivateKeyOperations.Execute(rsaLease.Key, Operation.RsaPkcs1Md5Sha1, new byte[36]);
            Assert.Equal(rsa.ModulusBytes, native.Length);
            var managed = PrivateKeyOperations.Execute(rsaLease.Key, Operation.RsaPkcs1Sha256, digest);
            Assert.True(rsaPublic.VerifyHash(digest, managed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            Assert.Equal(64, PrivateKeyOperations.Execute(edLease.Key, Operation.Ed25519, digest).Length);
        }

        // The leases held the last references: the next use loads the key anew.
        var loads = cache.LoadsTotal;
        using (var again = cache.Acquire(rsa))
        {
            var managed = PrivateKeyOperations.Execute(again.Key, Operation.RsaPkcs1Sha256, digest);
            Assert.True(rsaPublic.VerifyHash(digest, managed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }

        Assert.Equal(loads + 1, cache.LoadsTotal);
        Assert.Equal(1, cache.LoadedCount);
    }

    [Fact]
    public async Task SignEvictAndClear_Concurrently_EverySignatureVerifiesAndNothingLeaks()
    {
        // Capacity 1 with three keys: every insert trims, so eviction races loading all the time.
        var cache = new PrivateKeyCache(capacity: 1, NullLogger.Instance);
        IndexedKey[] keys = [Index(TestKeys.Rsa2048Pkcs1), Index(TestKeys.Ed25519), Index(TestKeys.EcP256Sec1)];
        using var rsaPublic = PublicRsa(keys[0]);
        using var ecPublic = ECDsa.Create();
        ecPublic.ImportSubjectPublicKeyInfo(keys[2].SubjectPublicKeyInfo, out _);
        var message = SHA256.HashData("concurrent eviction"u8);
        var sha224 = message[..28];

        // PKCS#1 v1.5 and Ed25519 signatures are deterministic: every later one must equal these.
        byte[] rsaSha224Expected;
        using (var lease = cache.Acquire(keys[0]))
        {
            rsaSha224Expected = PrivateKeyOperations.Execute(lease.Key, Operation.RsaPkcs1Sha224, sha224);
        }

        byte[] ed25519Expected;
        using (var lease = cache.Acquire(keys[1]))
        {
            ed25519Expected = PrivateKeyOperations.Execute(lease.Key, Operation.Ed25519, message);
        }

        var running = Workers;
        var evictions = 0;
        var evictor = Task.Run(() =>
        {
            // Runs only while the signers do; their fixed operation count bounds it.
            for (var i = 0; Volatile.Read(ref running) > 0; i++)
            {
                if (i % 3 == 0)
                {
                    cache.Clear();
                }
                else
                {
                    cache.Evict(keys[i % keys.Length].KeyId);
                }

                evictions++;
            }
        });
        var signers = Enumerable.Range(0, Workers).Select(worker => Task.Run(() =>
        {
            try
            {
                for (var i = 0; i < OperationsPerWorker; i++)
                {
                    var key = keys[(i + worker) % keys.Length];
                    using var lease = cache.Acquire(key);
                    switch (key.Kind)
                    {
                        case KeyKind.Rsa:
                            Assert.Equal(rsaSha224Expected, PrivateKeyOperations.Execute(lease.Key, Operation.RsaPkcs1Sha224, sha224));
                            var managed = PrivateKeyOperations.Execute(lease.Key, Operation.RsaPkcs1Sha256, message);
                            Assert.True(rsaPublic.VerifyHash(message, managed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
                            var ciphertext = rsaPublic.Encrypt(message, RSAEncryptionPadding.Pkcs1);
                            var raw = PrivateKeyOperations.Execute(lease.Key, Operation.RsaDecryptRaw, ciphertext);
                            Assert.Equal(message, raw[^message.Length..]);
                            break;
                        case KeyKind.Ed25519:
                            Assert.Equal(ed25519Expected, PrivateKeyOperations.Execute(lease.Key, Operation.Ed25519, message));
                            break;
                        default:
                            var ecdsa = PrivateKeyOperations.Execute(lease.Key, Operation.EcdsaSha256, message);
                            Assert.True(ecPublic.VerifyHash(message, ecdsa, DSASignatureFormat.Rfc3279DerSequence));
                            break;
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        })).ToArray();

        await Task.WhenAll(signers).WaitAsync(TimeSpan.FromMinutes(2));
        await evictor.WaitAsync(TimeSpan.FromMinutes(2));

        cache.Clear();
        Assert.Equal(0, cache.LoadedCount);
        Assert.True(evictions > 0);
        Assert.True(cache.LoadsTotal > keys.Length, $"only {cache.LoadsTotal} loads: eviction never raced signing");
    }

    private IndexedKey Index(string name) => KeyFileIndexer.Index(_keys.KeyPath(name), NullLogger.Instance);

    private static RSA PublicRsa(IndexedKey key)
    {
        var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _);
        return rsa;
    }
}

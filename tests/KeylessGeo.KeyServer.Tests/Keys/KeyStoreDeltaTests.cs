using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>
/// The key store's managed keys changed a key at a time (<see cref="KeyStore.ApplyManagedKeyChanges"/>)
/// answer every lookup exactly as a key store given the same keys whole does: by id, SKI, digest,
/// host name, wildcard and IP, including identifiers several keys claim (the smallest key id
/// wins, and the next one takes over when it goes).
/// </summary>
public sealed class KeyStoreDeltaTests : IDisposable
{
    // Small pools, so keys often claim the same identifier.
    private static readonly byte[][] Skis = [.. Enumerable.Range(1, 6).Select(i => Filled(20, i))];
    private static readonly byte[][] Digests = [.. Enumerable.Range(1, 4).Select(i => Filled(32, i))];
    private static readonly byte[][] Ips = [[10, 0, 0, 1], [10, 0, 0, 2], [.. Filled(16, 7)]];
    private static readonly string[] Names = ["a.example", "B.example", "*.example", "*.b.example", "c.test"];
    private static readonly string[] KeyIds = [.. Enumerable.Range(0, 12).Select(i => $"k{i:00}"), "K", "_k"];

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RandomDeltas_AnswerEveryLookupAsTheWholeSetDoes(int seed)
    {
        var random = new Random(seed);
        using var incremental = NewStore();
        incremental.ApplyManagedKeys([]);
        var model = new SortedDictionary<string, IndexedKey>(StringComparer.Ordinal);
        for (var step = 1; step <= 300; step++)
        {
            var upserts = new List<IndexedKey>();
            var removed = new List<string>();
            for (var change = random.Next(1, 4); change > 0; change--)
            {
                var keyId = KeyIds[random.Next(KeyIds.Length)];
                if (model.ContainsKey(keyId) && random.Next(3) == 0)
                {
                    model.Remove(keyId);
                    upserts.RemoveAll(k => k.KeyId == keyId);
                    removed.Add(keyId);
                }
                else
                {
                    var key = RandomKey(random, keyId);
                    model[keyId] = key;
                    upserts.RemoveAll(k => k.KeyId == keyId);
                    removed.Remove(keyId);
                    upserts.Add(key);
                }
            }

            incremental.ApplyManagedKeyChanges(upserts, removed);
            if (step % 25 == 0)
            {
                AssertSameLookups(model, incremental, $"seed {seed}, step {step}");
            }
        }
    }

    [Fact]
    public void AContestedHostName_PassesToTheNextKeyId_WhenItsWinnerGoes()
    {
        using var keys = NewStore();
        keys.ApplyManagedKeys([]);
        var b = Key("b", Skis[0], hostNames: ["shared.example"]);
        var a = Key("a", Skis[1], hostNames: ["shared.example"]);
        var c = Key("c", Skis[2], hostNames: ["shared.example"]);

        keys.ApplyManagedKeyChanges([b, c], []);
        var first = keys.Find(new KeyRef { Sni = "shared.example" }).Key;
        keys.ApplyManagedKeyChanges([a], []);
        var second = keys.Find(new KeyRef { Sni = "shared.example" }).Key;
        keys.ApplyManagedKeyChanges([], ["a", "b"]);
        var third = keys.Find(new KeyRef { Sni = "shared.example" }).Key;
        keys.ApplyManagedKeyChanges([], ["c"]);

        Assert.Same(b, first);
        Assert.Same(a, second);
        Assert.Same(c, third);
        Assert.Equal(ErrorCode.KeyNotFound, keys.Find(new KeyRef { Sni = "shared.example" }).Error);
        Assert.Equal(0, keys.IndexedKeyCount);
    }

    [Fact]
    public void ANewVersionOfAKey_ReleasesOnlyTheIdentifiersItNoLongerHas()
    {
        using var keys = NewStore();
        var v1 = Key("k", Skis[0], Digests[0], ["old.example", "kept.example"]);
        keys.ApplyManagedKeys([v1]);
        var v2 = Key("k", Skis[1], null, ["kept.example", "new.example"]);

        keys.ApplyManagedKeyChanges([v2], []);

        Assert.Same(v2, keys.Find(new KeyRef { Sni = "kept.example" }).Key);
        Assert.Same(v2, keys.Find(new KeyRef { Sni = "new.example" }).Key);
        Assert.Same(v2, keys.Find(new KeyRef { Ski = ByteString.CopyFrom(Skis[1]) }).Key);
        Assert.Equal(ErrorCode.KeyNotFound, keys.Find(new KeyRef { Sni = "old.example" }).Error);
        Assert.Equal(ErrorCode.KeyNotFound, keys.Find(new KeyRef { Ski = ByteString.CopyFrom(Skis[0]) }).Error);
        Assert.Equal(ErrorCode.KeyNotFound, keys.Find(new KeyRef { CertDigest = ByteString.CopyFrom(Digests[0]) }).Error);
        Assert.Equal(1, keys.IndexedKeyCount);
    }

    [Fact]
    public void ADelta_BeforeAnyWholeSet_IsRefused()
    {
        using var keys = NewStore();

        Assert.Throws<InvalidOperationException>(() => keys.ApplyManagedKeyChanges([Key("k", Skis[0])], []));
    }

    private KeyStore NewStore() => new(Options.Create(new KeyServerOptions { KeysDirectory = _directory.Path }), NullLogger<KeyStore>.Instance);

    private void AssertSameLookups(SortedDictionary<string, IndexedKey> model, KeyStore incremental, string where)
    {
        using var whole = NewStore();
        whole.ApplyManagedKeys([.. model.Values]);
        Assert.True(whole.IndexedKeyCount == incremental.IndexedKeyCount, $"{where}: {incremental.IndexedKeyCount} keys indexed, a whole set has {whole.IndexedKeyCount}");
        foreach (var reference in References())
        {
            var expected = whole.Find(reference);
            var actual = incremental.Find(reference);
            Assert.True(
                ReferenceEquals(expected.Key, actual.Key) && ReferenceEquals(expected.RefusedKey, actual.RefusedKey) && expected.Error == actual.Error,
                $"{where}: {reference} found {Describe(actual)}, a whole set finds {Describe(expected)}");
        }
    }

    private static IEnumerable<KeyRef> References()
    {
        foreach (var id in KeyIds.Append("unknown"))
        {
            yield return new KeyRef { KeyId = id };
        }

        foreach (var ski in Skis)
        {
            yield return new KeyRef { Ski = ByteString.CopyFrom(ski) };
        }

        foreach (var digest in Digests)
        {
            yield return new KeyRef { CertDigest = ByteString.CopyFrom(digest) };
        }

        foreach (var ip in Ips)
        {
            yield return new KeyRef { ServerIp = ByteString.CopyFrom(ip) };
        }

        foreach (var sni in new[] { "a.example", "b.example", "x.example", "y.b.example", "c.test", "example" })
        {
            yield return new KeyRef { Sni = sni };
        }
    }

    private static string Describe(KeyLookupResult result) =>
        $"{result.Key?.KeyId ?? result.RefusedKey?.KeyId ?? "nothing"} ({result.Error})";

    private static IndexedKey RandomKey(Random random, string keyId) => Key(
        keyId,
        Skis[random.Next(Skis.Length)],
        random.Next(3) == 0 ? null : Digests[random.Next(Digests.Length)],
        [.. Names.Where(_ => random.Next(3) == 0)],
        [.. Ips.Where(_ => random.Next(3) == 0)],
        random.Next(4) == 0 ? "denied here" : null);

    private static IndexedKey Key(
        string keyId, byte[] ski, byte[]? digest = null, string[]? hostNames = null, byte[][]? ips = null, string? refusal = null) => new()
    {
        KeyId = keyId,
        Algorithm = KeyAlgorithm.EcdsaP256,
        ModulusBytes = 0,
        KeySizeBits = 256,
        SubjectPublicKeyInfo = [1, 2, 3],
        Ski = ski,
        CertDigest = digest,
        HostNames = hostNames ?? [],
        IpAddresses = ips ?? [],
        RefusalMessage = refusal,
        RefusalCode = refusal is null ? ErrorCode.Unspecified : ErrorCode.PolicyDenied,
        PublicKeySource = "control plane",
    };

    private static byte[] Filled(int length, int value) => [.. Enumerable.Repeat((byte)value, length)];
}

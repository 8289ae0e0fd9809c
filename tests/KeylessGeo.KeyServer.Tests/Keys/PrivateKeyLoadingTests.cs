using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>Permissions, lazy loading, the bounded cache and load failures.</summary>
[Collection(TestKeysCollection.Name)]
public sealed class PrivateKeyLoadingTests : IDisposable
{
    private readonly TestKeys _keys;
    private readonly TempDirectory _directory = new();

    public PrivateKeyLoadingTests(TestKeys keys) => _keys = keys;

    [Fact]
    public async Task Index_RefusesKeyFilesReadableByGroupOrOthers()
    {
        _keys.CopyTo(TestKeys.EcP256Pkcs8, _directory.Path, "loose");
        _keys.CopyTo(TestKeys.EcP256Pkcs8, _directory.Path, "tight");
        var loosePath = Path.Combine(_directory.Path, "loose.key");
        File.SetUnixFileMode(loosePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var server = new KeyServerHarness(_directory.Path);

        Assert.Equal(1, server.Keys.IndexedKeyCount);
        var error = Assert.Single(server.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(loosePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("0644", error.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
        var response = await server.SignAsync("loose", Operation.EcdsaSha256, new byte[32]);
        Assert.Equal(ErrorCode.KeyNotFound, response.Error.Code);
        Assert.Null((await server.SignAsync("tight", Operation.EcdsaSha256, new byte[32])).Error);
    }

    [Fact]
    public async Task Index_FollowsSymlinksAndChecksTheTargetsPermissions()
    {
        // Kubernetes secret volumes expose keys through symlinks, which always show mode 0777.
        using var targets = new TempDirectory();
        _keys.CopyTo(TestKeys.EcP256Pkcs8, targets.Path, "k");
        File.CreateSymbolicLink(Path.Combine(_directory.Path, "k.key"), Path.Combine(targets.Path, "k.key"));
        File.CreateSymbolicLink(Path.Combine(_directory.Path, "k.pub"), Path.Combine(targets.Path, "k.pub"));

        using var server = new KeyServerHarness(_directory.Path);

        Assert.Equal(1, server.Keys.IndexedKeyCount);
        Assert.Null((await server.SignAsync("k", Operation.EcdsaSha256, new byte[32])).Error);
    }

    [Fact]
    public async Task Load_WhenPermissionsLoosenedAfterIndexing_RefusesTheKeyWithInternal()
    {
        _keys.CopyTo(TestKeys.EcP256Pkcs8, _directory.Path, "k");
        using var server = new KeyServerHarness(_directory.Path);
        File.SetUnixFileMode(Path.Combine(_directory.Path, "k.key"), UnixFileMode.UserRead | UnixFileMode.GroupRead);

        var response = await server.SignAsync("k", Operation.EcdsaSha256, new byte[32]);

        Assert.Equal(ErrorCode.Internal, response.Error.Code);
        Assert.Contains(server.Logs.Entries, e => e.EventId.Name == "PrivateKeyLoadFailed" && e.Message.Contains("0440", StringComparison.Ordinal));
    }

    [Fact]
    public void Index_OfFiftyKeysWithPublicKeyFiles_LoadsNoPrivateKey()
    {
        for (var i = 0; i < 50; i++)
        {
            _keys.CopyTo(i % 2 == 0 ? TestKeys.EcP256Pkcs8 : TestKeys.Rsa2048Pkcs8, _directory.Path, $"key{i:D2}");
        }

        using var server = new KeyServerHarness(_directory.Path);

        Assert.Equal(50, server.Keys.IndexedKeyCount);
        Assert.Equal(0, server.Keys.LoadedPrivateKeyCount);
        Assert.Equal(0, server.Keys.PrivateKeyLoadsTotal);
    }

    [Fact]
    public async Task Cache_WithCapacityTwo_HoldsAtMostTwoKeysAndStillSignsWithAll()
    {
        for (var i = 0; i < 5; i++)
        {
            _keys.CopyTo(TestKeys.EcP256Pkcs8, _directory.Path, $"key{i}");
        }

        using var server = new KeyServerHarness(_directory.Path, cacheCapacity: 2);
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 5; i++)
            {
                var response = await server.SignAsync($"key{i}", Operation.EcdsaSha256, new byte[32]);
                Assert.Null(response.Error);
                Assert.InRange(server.Keys.LoadedPrivateKeyCount, 1, 2);
            }
        }

        Assert.Equal(10, server.Keys.PrivateKeyLoadsTotal);
    }

    [Fact]
    public async Task Load_WhenManyRequestsUseANewKeyAtOnce_LoadsItOnce()
    {
        _keys.CopyTo(TestKeys.Rsa2048Pkcs8, _directory.Path, "k");
        using var server = new KeyServerHarness(_directory.Path, workers: 2);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            server.SignAsync("k", Operation.RsaPkcs1Sha256, new byte[32], id: (ulong)i)));

        Assert.All(responses, r => Assert.Null(r.Error));
        Assert.Equal(1, server.Keys.PrivateKeyLoadsTotal);
    }

    [Fact]
    public async Task Load_WhenTheKeyFileBecameUnreadable_ReturnsInternalNotKeyNotFound()
    {
        _keys.CopyTo(TestKeys.EcP256Pkcs8, _directory.Path, "k");
        using var server = new KeyServerHarness(_directory.Path);
        var keyPath = Path.Combine(_directory.Path, "k.key");

        // Root reads files whatever their mode, so make the read itself fail: a directory (with
        // private permissions) now stands where the key file was.
        File.Delete(keyPath);
        Directory.CreateDirectory(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var response = await server.SignAsync("k", Operation.EcdsaSha256, new byte[32]);

        Assert.Equal(ErrorCode.Internal, response.Error.Code);
        Assert.Contains("I/O", response.Error.Message, StringComparison.Ordinal);

        // Once the file is back, the same key signs: the failure was not remembered.
        Directory.Delete(keyPath);
        _keys.CopyTo(TestKeys.EcP256Pkcs8, _directory.Path, "k");
        Assert.Null((await server.SignAsync("k", Operation.EcdsaSha256, new byte[32])).Error);
    }

    [Fact]
    public async Task Load_WhenThePrivateKeyNoLongerMatchesTheIndexedPublicKey_FailsWithoutKeyNotFound()
    {
        _keys.CopyTo(TestKeys.EcP256Pkcs8, _directory.Path, "k");
        using var server = new KeyServerHarness(_directory.Path);
        var keyPath = Path.Combine(_directory.Path, "k.key");
        File.Copy(_keys.KeyPath(TestKeys.EcP256Sec1), keyPath, overwrite: true);
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var response = await server.SignAsync("k", Operation.EcdsaSha256, new byte[32]);

        Assert.Equal(ErrorCode.Internal, response.Error.Code);
        var logged = Assert.Single(server.Logs.Entries, e => e.EventId.Name == "PrivateKeyLoadFailed");
        Assert.Contains("does not match", logged.Message, StringComparison.Ordinal);
        AssertNoKeyMaterial(server, keyPath);
    }

    [Fact]
    public async Task Reload_IndexesKeysAddedAfterStartUp()
    {
        using var server = new KeyServerHarness(_directory.Path);
        Assert.Equal(ErrorCode.KeyNotFound, (await server.SignAsync("late", Operation.Ed25519, [1, 2, 3])).Error.Code);

        _keys.CopyTo(TestKeys.Ed25519, _directory.Path, "late");
        Assert.Equal(1, server.Keys.Reload());

        Assert.Null((await server.SignAsync("late", Operation.Ed25519, [1, 2, 3])).Error);
    }

    [Fact]
    public void Acquire_WithAKeyLookedUpBeforeAReload_DoesNotEvictTheReloadedEntry()
    {
        _keys.CopyTo(TestKeys.EcP256Pkcs8, _directory.Path, "shop");
        using var server = new KeyServerHarness(_directory.Path);
        var reference = new KeyRef { KeyId = "shop" };
        var stale = server.Keys.Find(reference).Key!;
        server.Keys.Reload();
        var fresh = server.Keys.Find(reference).Key!;
        using (server.Keys.Acquire(fresh))
        {
        }

        using (server.Keys.Acquire(stale))
        {
        }

        var loads = server.Keys.PrivateKeyLoadsTotal;
        using (server.Keys.Acquire(fresh))
        {
        }

        Assert.True(stale.Generation < fresh.Generation);
        Assert.Equal(loads, server.Keys.PrivateKeyLoadsTotal);
        Assert.Equal(1, server.Keys.LoadedPrivateKeyCount);
    }

    private static void AssertNoKeyMaterial(KeyServerHarness server, string keyPath)
    {
        var fields = PemEncoding.Find(File.ReadAllText(keyPath));
        var base64 = File.ReadAllText(keyPath)[fields.Base64Data].Replace("\n", "", StringComparison.Ordinal);
        foreach (var entry in server.Logs.Entries)
        {
            var text = entry.Message + entry.Exception;
            Assert.DoesNotContain(base64[..40], text, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY-----", text, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _directory.Dispose();
}

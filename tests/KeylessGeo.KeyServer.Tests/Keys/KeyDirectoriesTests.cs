using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>Issue 12 (gokeyless's several dir: stores): the key store reads several folders as one.</summary>
public sealed class KeyDirectoriesTests : IAsyncLifetime
{
    private readonly TestKeyDirectory _first = new();
    private readonly TestKeyDirectory _second = new();
    private readonly CollectingLoggerProvider _logs = new(LogLevel.Information);
    private readonly ILoggerFactory _loggerFactory;

    public KeyDirectoriesTests() => _loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(_logs));

    public async Task InitializeAsync()
    {
        await _first.AddAsync("one", TestKeyType.EcP256);
        await _second.AddAsync("two", TestKeyType.EcP256);
    }

    public Task DisposeAsync()
    {
        _loggerFactory.Dispose();
        _first.Dispose();
        _second.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void KeysOfEveryFolder_AreServed()
    {
        using var store = Store(_first.Path, [_second.Path]);

        Assert.Equal(2, store.Reload());
        Assert.True(Serves(store, "one"));
        Assert.True(Serves(store, "two"));
    }

    [Fact]
    public void KeysDirectoriesAlone_AreEnough()
    {
        using var store = Store("", [_first.Path, _second.Path]);

        Assert.Equal(2, store.Reload());
    }

    [Fact]
    public async Task KeyIdInTwoFolders_IsServedOnceFromTheFirst_AndReportedOnce()
    {
        // The same name in the second folder, with another key.
        await _second.AddAsync("one", TestKeyType.EcP256);
        using var store = Store(_first.Path, [_second.Path]);

        Assert.Equal(2, store.Reload());
        Assert.True(store.TryGetById("one", out var served));
        Assert.Equal(_first.KeyPath("one"), served.PrivateKeyPath);
        Assert.Equal(_first.Ski("one"), store.Find(new KeyRef { KeyId = "one" }).Key!.Ski);
        Assert.Equal(1, DuplicateReports());

        // Reloads do not repeat the report while the duplicate stays.
        var reload = store.ReloadDirectory();
        Assert.Equal(2, reload.Served);
        Assert.Equal(0, reload.Added + reload.Removed + reload.Changed);
        Assert.Equal(1, DuplicateReports());

        // Once the first folder's file is gone, the second's takes over: a changed key, not a new id.
        File.Delete(_first.KeyPath("one"));
        File.Delete(_first.PublicKeyPath("one"));
        reload = store.ReloadDirectory();
        Assert.Equal(2, reload.Served);
        Assert.Equal(1, reload.Changed);
        Assert.True(store.TryGetById("one", out served));
        Assert.Equal(_second.KeyPath("one"), served.PrivateKeyPath);
    }

    [Fact]
    public async Task Reload_SeesAdditionsAndRemovalsInEveryFolder()
    {
        using var store = Store(_first.Path, [_second.Path]);
        store.Reload();

        await _second.AddAsync("three", TestKeyType.EcP256);
        File.Delete(_first.KeyPath("one"));
        var reload = store.ReloadDirectory();

        Assert.Equal(2, reload.Served);
        Assert.Equal(1, reload.Added);
        Assert.Equal(1, reload.Removed);
        Assert.True(Serves(store, "three"));
        Assert.Equal(ErrorCode.KeyNotFound, store.Find(new KeyRef { KeyId = "one" }).Error);
    }

    [Fact]
    public async Task UnlistableFolder_KeepsItsKeys_WhileTheOthersChangesApply()
    {
        using var store = Store(_first.Path, [_second.Path]);
        store.Reload();
        var moved = _second.Path + "-moved";
        Directory.Move(_second.Path, moved);
        try
        {
            await _first.AddAsync("added", TestKeyType.EcP256);
            var reload = store.ReloadDirectory();

            Assert.False(reload.DirectoryUnreadable);
            Assert.Equal([_second.Path], reload.UnreadableDirectories);
            Assert.Equal(3, reload.Served);
            Assert.Equal(1, reload.Added);
            Assert.Equal(0, reload.Removed);
            Assert.True(Serves(store, "two"));
            Assert.True(Serves(store, "added"));
        }
        finally
        {
            Directory.Move(moved, _second.Path);
        }

        var back = store.ReloadDirectory();
        Assert.Empty(back.UnreadableDirectories);
        Assert.Equal(3, back.Served);
    }

    [Fact]
    public void NoFolderListable_ChangesNothing()
    {
        using var store = Store(_first.Path, [_second.Path]);
        store.Reload();
        Directory.Move(_first.Path, _first.Path + "-moved");
        Directory.Move(_second.Path, _second.Path + "-moved");
        try
        {
            var reload = store.ReloadDirectory();

            Assert.True(reload.DirectoryUnreadable);
            Assert.Equal(2, reload.Served);
            Assert.True(Serves(store, "one"));
        }
        finally
        {
            Directory.Move(_first.Path + "-moved", _first.Path);
            Directory.Move(_second.Path + "-moved", _second.Path);
        }
    }

    [Fact]
    public void KeysDirectories_BindFromConfiguration_AfterKeysDirectory()
    {
        var options = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["KeyServer:KeysDirectory"] = "/a",
                ["KeyServer:KeysDirectories:0"] = "/b",
                ["KeyServer:KeysDirectories:1"] = "/c",
            })
            .Build()
            .GetSection(KeyServerOptions.SectionName)
            .Get<KeyServerOptions>()!;

        Assert.Equal(["/b", "/c"], options.KeysDirectories);
        Assert.Equal(["/a", "/b", "/c"], options.AllKeysDirectories());
    }

    private KeyStore Store(string directory, string[] more) =>
        new(Options.Create(new KeyServerOptions { KeysDirectory = directory, KeysDirectories = more }), _loggerFactory.CreateLogger<KeyStore>());

    private static bool Serves(KeyStore store, string keyId) => store.Find(new KeyRef { KeyId = keyId }).Key is not null;

    private int DuplicateReports() =>
        _logs.Messages.Count(m => m.Contains("Key one in " + _second.Path + " is not served", StringComparison.Ordinal));
}

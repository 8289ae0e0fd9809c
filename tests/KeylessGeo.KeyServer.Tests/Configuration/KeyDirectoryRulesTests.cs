using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Tests.Infrastructure;

namespace KeylessGeo.KeyServer.Tests.Configuration;

/// <summary>Issue 12: several key folders are checked at start-up like one.</summary>
public sealed class KeyDirectoryRulesTests : IDisposable
{
    private readonly TempDirectory _first = new();
    private readonly TempDirectory _second = new();

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public void BothSettings_Together_AreValid()
    {
        Assert.Empty(Failures(_first.Path, _second.Path));
    }

    [Fact]
    public void ListAlone_IsValid()
    {
        Assert.Empty(Failures("", _first.Path, _second.Path));
    }

    [Fact]
    public void NoFolderAtAll_IsRequired()
    {
        Assert.Equal(["KeyServer:KeysDirectory (or KeyServer:KeysDirectories, or KeyServer:Pkcs11:Uris) is required, got ''."], Failures(""));
    }

    [Fact]
    public void NoFolder_ButTokenKeys_IsValid()
    {
        var options = new KeyServerOptions
        {
            Id = "ks1",
            Datacenter = "dc1",
            Pkcs11 = new KeylessGeo.KeyServer.Keys.Pkcs11.Pkcs11Options { Uris = ["pkcs11:token=t;object=k?module-name=softhsm2&pin-value=1234"] },
        };

        Assert.DoesNotContain(new KeyServerOptionsValidator().Validate(null, options).Failures ?? [], f => f.Contains("KeysDirectory", StringComparison.Ordinal));
    }

    [Fact]
    public void SameFolderTwice_IsRejected_EvenSpelledDifferently()
    {
        var failures = Failures(_first.Path, _second.Path, _first.Path + "/", _second.Path + "/../" + Path.GetFileName(_second.Path));

        Assert.Equal(2, failures.Count);
        Assert.Contains($"KeyServer:KeysDirectories:1 '{_first.Path}/' is the same folder as KeyServer:KeysDirectory; name each key folder once.", failures);
        Assert.Contains(failures, f => f.StartsWith("KeyServer:KeysDirectories:2 ", StringComparison.Ordinal) && f.EndsWith("is the same folder as KeyServer:KeysDirectories:0; name each key folder once.", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingAndEmptyEntries_AreNamedByIndex()
    {
        var failures = Failures(_first.Path, "/no/such/keys", " ");

        Assert.Equal(
            ["KeyServer:KeysDirectories:0 '/no/such/keys' does not exist or is not a directory.", "KeyServer:KeysDirectories:1 is empty; remove it or name a folder."],
            failures);
    }

    private static List<string> Failures(string directory, params string[] more)
    {
        var options = new KeyServerOptions { Id = "ks1", Datacenter = "dc1", KeysDirectory = directory, KeysDirectories = more };
        return [.. new KeyServerOptionsValidator().Validate(null, options).Failures ?? []];
    }
}

namespace KeylessGeo.Placement.Tests;

public sealed class DatacenterWrappingKeyFileTests
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void LoadOrCreate_WhenNoFile_CreatesAnOwnerOnlyPkcs8PemFile()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("wrapping-key.pem");

        using var key = DatacenterWrappingKey.LoadOrCreate(path, out var created);

        Assert.True(created);
        Assert.Equal(Mode0600, File.GetUnixFileMode(path));
        var text = File.ReadAllText(path);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", text, StringComparison.Ordinal);
        Assert.EndsWith("-----END PRIVATE KEY-----\n", text, StringComparison.Ordinal);
        // No temporary file is left behind.
        Assert.Equal(new[] { "wrapping-key.pem" }, Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void LoadOrCreate_WhenTheFileExists_ReloadsTheSameKey()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("wrapping-key.pem");
        using var first = DatacenterWrappingKey.LoadOrCreate(path, out _);

        using var second = DatacenterWrappingKey.LoadOrCreate(path, out var created);

        Assert.False(created);
        Assert.Equal(first.Fingerprint, second.Fingerprint);
        Assert.Equal(first.PublicKey, second.PublicKey);
    }
}

namespace KeylessGeo.Cli.Tests;

/// <summary>The main job, <c>keylessgeo demo</c>, end to end.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_StartsAKeyServer_AndEverySignatureVerifies()
    {
        var (exitCode, output) = await CliRunner.RunAsync("demo");

        Assert.Equal(0, exitCode);
        Assert.Equal(3, output.Split('\n').Count(line => line.EndsWith("=> VERIFIED", StringComparison.Ordinal)));
        Assert.Contains("all demo signatures verified", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_WithKeepAndNoServe_WritesTheMaterialWithPrivateKeysOwnerOnly()
    {
        var directory = Path.Combine(Path.GetTempPath(), "keylessgeo-demo-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, _) = await CliRunner.RunAsync("demo", "--keep", directory, "--no-serve");

            Assert.Equal(0, exitCode);
            foreach (var key in Directory.GetFiles(Path.Combine(directory, "keys"), "*.key").Concat(Directory.GetFiles(Path.Combine(directory, "tls"), "*.key")))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            }

            Assert.Equal(3, Directory.GetFiles(Path.Combine(directory, "keys"), "*.key").Length);
            Assert.True(File.Exists(Path.Combine(directory, "tls", "ca.crt")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

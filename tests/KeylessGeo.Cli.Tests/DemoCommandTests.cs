namespace KeylessGeo.Cli.Tests;

/// <summary><c>keylessgeo demo</c> without starting a cluster.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_WithKeepAndNoServe_WritesTheMaterialWithPrivateKeysOwnerOnly()
    {
        var directory = Path.Combine(Path.GetTempPath(), "keylessgeo-demo-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, output) = await CliRunner.RunAsync("demo", "--keep", directory, "--no-serve");

            Assert.Equal(0, exitCode);
            foreach (var key in Directory.GetFiles(Path.Combine(directory, "keys"), "*.key").Concat(Directory.GetFiles(Path.Combine(directory, "tls"), "*.key")))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            }

            Assert.Equal(3, Directory.GetFiles(Path.Combine(directory, "keys"), "*.key").Length);
            Assert.True(File.Exists(Path.Combine(directory, "tls", "ca.crt")));
            Assert.Contains("new development CA", output, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b[", output, StringComparison.Ordinal);

            // A second run on the kept directory reuses the material instead of replacing it.
            var ca = await File.ReadAllTextAsync(Path.Combine(directory, "tls", "ca.crt"));
            var (again, secondOutput) = await CliRunner.RunAsync("demo", "--keep", directory, "--no-serve");

            Assert.Equal(0, again);
            Assert.Contains("material reused from an earlier run", secondOutput, StringComparison.Ordinal);
            Assert.Equal(ca, await File.ReadAllTextAsync(Path.Combine(directory, "tls", "ca.crt")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

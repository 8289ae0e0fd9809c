namespace KeylessGeo.Cli.Tests;

/// <summary>The main job, <c>keylessgeo demo</c>, end to end.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_RunsAMultiRegionCluster_SignsWherePermitted_RefusesElsewhere_AndEvicts()
    {
        var (exitCode, output) = await CliRunner.RunAsync("demo");

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n');
        // 2 EU keys in fra1 and ams1, the global key in all three, and one Keyless-protocol signature.
        Assert.Equal(10, lines.Count(line => line.EndsWith("=> VERIFIED", StringComparison.Ordinal) || line.EndsWith("): VERIFIED", StringComparison.Ordinal)));

        // The EU-only keys asked for in sfo1 are forwarded to region EU and signed there.
        Assert.Equal(2, lines.Count(line => line.Contains("asked at ks-sfo1-1 (sfo1): signed by ks-", StringComparison.Ordinal)
            && !line.Contains("(sfo1), ", StringComparison.Ordinal) && line.EndsWith("=> VERIFIED", StringComparison.Ordinal)));
        Assert.Contains(lines, line => line.Contains("ams1's requests were signed by ks-fra1-1 (fra1)", StringComparison.Ordinal) && !line.Contains("from never", StringComparison.Ordinal));
        Assert.Contains("audit log: audit chain intact", output, StringComparison.Ordinal);
        Assert.Contains("demo complete: every step gave the expected outcome", output, StringComparison.Ordinal);
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

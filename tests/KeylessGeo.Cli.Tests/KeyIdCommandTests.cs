using System.Text;
using System.Text.Json;
using KeylessGeo.Testing;
using Spectre.Console;

namespace KeylessGeo.Cli.Tests;

/// <summary><c>keylessgeo keyid</c> against key files made by the openssl CLI.</summary>
public sealed class KeyIdCommandTests : IAsyncLifetime
{
    private readonly string _work = Directory.CreateTempSubdirectory("keylessgeo-keyid-cli-").FullName;

    private string PathOf(string file) => Path.Combine(_work, file);

    public async Task InitializeAsync()
    {
        await OpenSslCli.GenerateRsaPkcs8Async(PathOf("rsa.key"), 2048);
        await OpenSslCli.WriteSelfSignedCertificateAsync(PathOf("rsa.key"), PathOf("rsa.crt"), "rsa", null);
        await OpenSslCli.GenerateEcSec1Async(PathOf("ec.key"), "prime256v1");
        await OpenSslCli.WriteSelfSignedCertificateAsync(PathOf("ec.key"), PathOf("ec.crt"), "ec", null);
        await OpenSslCli.GenerateEd25519Async(PathOf("ed.key"));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("rsa.key")]
    [InlineData("rsa.crt")]
    public async Task KeyId_OfAnRsaKey_PrintsWhatOpenSslComputes(string file)
    {
        var (exitCode, output) = await CliRunner.RunAsync("keyid", PathOf(file));

        Assert.Equal(0, exitCode);
        Assert.Equal(
            $"algorithm: RSA 2048\nski: {await OpenSslSkiAsync("rsa.crt")}\ncert-digest: {await OpenSslCertDigestAsync("rsa.key")}\n",
            output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task KeyId_OfAnEcCertificate_SaysItHasNoCertificateDigest()
    {
        var (exitCode, output) = await CliRunner.RunAsync("keyid", PathOf("ec.crt"));

        Assert.Equal(0, exitCode);
        Assert.Contains("algorithm: EC P-256", output, StringComparison.Ordinal);
        Assert.Contains($"ski: {await OpenSslSkiAsync("ec.crt")}", output, StringComparison.Ordinal);
        Assert.Contains("cert-digest: n/a (not an RSA key)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyId_WithJson_PrintsOneObject()
    {
        var (exitCode, output) = await CliRunner.RunAsync("keyid", "--json", PathOf("rsa.key"));

        Assert.Equal(0, exitCode);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal(PathOf("rsa.key"), root.GetProperty("file").GetString());
        Assert.Equal("RSA 2048", root.GetProperty("algorithm").GetString());
        Assert.Equal(await OpenSslSkiAsync("rsa.crt"), root.GetProperty("ski").GetString());
        Assert.Equal(await OpenSslCertDigestAsync("rsa.key"), root.GetProperty("cert_digest").GetString());
    }

    [Fact]
    public async Task KeyId_WithJson_OfAnEcKey_HasANullDigest()
    {
        var (_, output) = await CliRunner.RunAsync("keyid", "--json", PathOf("ec.key"));

        using var document = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("cert_digest").ValueKind);
    }

    [Fact]
    public async Task KeyId_WhenFileIsGarbage_ExplainsOnStandardErrorAndExitsTwo()
    {
        await File.WriteAllTextAsync(PathOf("garbage.pem"), "hello");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });

        var exitCode = await Program.RunAsync(["keyid", PathOf("garbage.pem")], output, error, console);

        Assert.Equal(2, exitCode);
        Assert.Equal(string.Empty, output.ToString());
        Assert.StartsWith("cannot identify the key: ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("garbage.pem", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyId_WhenFileIsMissing_ExitsTwo()
    {
        var (exitCode, output) = await CliRunner.RunAsync("keyid", PathOf("missing.pem"));

        Assert.Equal(2, exitCode);
        Assert.Contains("cannot read", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyId_OfAnEd25519PrivateKey_AsksForThePublicKeyAndExitsTwo()
    {
        var (exitCode, output) = await CliRunner.RunAsync("keyid", PathOf("ed.key"));

        Assert.Equal(2, exitCode);
        Assert.Contains("NAME.pub", output, StringComparison.Ordinal);
    }

    private async Task<string> OpenSslSkiAsync(string certificate)
    {
        var text = await OpenSslCli.RunAsync("x509", "-in", PathOf(certificate), "-noout", "-ext", "subjectKeyIdentifier");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1]
            .Replace(":", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
    }

    private async Task<string> OpenSslCertDigestAsync(string key)
    {
        var modulus = (await OpenSslCli.RunAsync("rsa", "-in", PathOf(key), "-noout", "-modulus")).Trim()["Modulus=".Length..];
        var sum = await ExternalProcess.RunAsync("sha256sum", [], standardInput: Encoding.ASCII.GetBytes(modulus));
        return sum.EnsureSuccess("sha256sum").StandardOutput.Split(' ')[0];
    }
}

using System.Diagnostics;
using System.Security.Cryptography;

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

    [Fact]
    public void LoadOrCreate_AfterARestart_UnwrapsPolicyKeysWrappedToTheFirstStart()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("wrapping-key.pem");
        var context = new PolicyKeyContext("eu-only", 1, "fra1");
        using var policyKey = PolicyKey.Generate();
        byte[] copy;
        using (var firstStart = DatacenterWrappingKey.LoadOrCreate(path, out _))
        {
            copy = PolicyKeyWrapping.WrapFor(policyKey, DatacenterWrappingKey.ParsePublic(firstStart.PublicKey), context);
        }

        using var secondStart = DatacenterWrappingKey.LoadOrCreate(path, out _);
        using var unwrapped = PolicyKeyWrapping.Unwrap(copy, secondStart, context);

        Assert.NotNull(unwrapped);
    }

    [Fact]
    public void LoadOrCreate_RacingOnFirstStart_AllLoadTheOneKeyThatWasWritten()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("wrapping-key.pem");
        var fingerprints = new string[8];
        var createdCount = 0;

        Parallel.For(0, fingerprints.Length, new ParallelOptions { MaxDegreeOfParallelism = fingerprints.Length }, i =>
        {
            using var key = DatacenterWrappingKey.LoadOrCreate(path, out var created);
            fingerprints[i] = key.Fingerprint;
            if (created)
            {
                Interlocked.Increment(ref createdCount);
            }
        });

        Assert.Equal(1, createdCount);
        Assert.Single(fingerprints.Distinct());
        using var reloaded = DatacenterWrappingKey.LoadOrCreate(path, out _);
        Assert.Equal(fingerprints[0], reloaded.Fingerprint);
        Assert.Single(Directory.GetFiles(directory.Path));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, "0640")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherWrite, "0402")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupExecute, "0610")]
    public void LoadOrCreate_OfAFileOpenToGroupOrOthers_IsRefusedNamingFileModeAndFix(UnixFileMode mode, string octal)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("wrapping-key.pem");
        using (DatacenterWrappingKey.LoadOrCreate(path, out _))
        {
        }

        var before = File.ReadAllBytes(path);
        File.SetUnixFileMode(path, mode);

        var ex = Assert.Throws<WrappingKeyFileException>(() => DatacenterWrappingKey.LoadOrCreate(path, out _));

        Assert.Equal(path, ex.Path);
        Assert.Contains($"'{path}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"mode is {octal}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {path}", ex.Message, StringComparison.Ordinal);

        // Refusing never replaces the operator's key with a new one.
        File.SetUnixFileMode(path, Mode0600);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void LoadOrCreate_InAMissingDirectory_FailsWithoutCreatingIt()
    {
        using var directory = new TemporaryDirectory();
        var missing = directory.File("missing");

        var ex = Assert.Throws<DirectoryNotFoundException>(() => DatacenterWrappingKey.LoadOrCreate(Path.Combine(missing, "wrapping-key.pem"), out _));

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void LoadOrCreate_OfAnRsaKeyFile_IsRefused()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("rsa.pem");
        using var rsa = RSA.Create(2048);
        WriteOwnerOnly(path, rsa.ExportPkcs8PrivateKeyPem());

        var ex = Assert.Throws<WrappingKeyFileException>(() => DatacenterWrappingKey.LoadOrCreate(path, out _));

        Assert.Contains("does not hold a PKCS#8 EC P-256 private key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_OfAP384KeyFile_IsRefused()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("p384.pem");
        using var p384 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);
        WriteOwnerOnly(path, p384.ExportPkcs8PrivateKeyPem());

        var ex = Assert.Throws<WrappingKeyFileException>(() => DatacenterWrappingKey.LoadOrCreate(path, out _));

        Assert.Contains("not on P-256", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a key\n", "no PEM block")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", "no PEM block labelled 'PRIVATE KEY'")]
    [InlineData("", "0 bytes")]
    public void LoadOrCreate_OfAFileThatIsNotAPkcs8Pem_IsRefused(string content, string expected)
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("wrapping-key.pem");
        WriteOwnerOnly(path, content);

        var ex = Assert.Throws<WrappingKeyFileException>(() => DatacenterWrappingKey.LoadOrCreate(path, out _));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void LoadOrCreate_OfAKeyWrittenByOpenssl_LoadsWithOpensslsFingerprint()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("openssl.pem");
        Openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path);
        File.SetUnixFileMode(path, Mode0600);
        var spkiPath = directory.File("openssl.spki");
        Openssl("pkey", "-in", path, "-pubout", "-outform", "DER", "-out", spkiPath);

        using var key = DatacenterWrappingKey.LoadOrCreate(path, out var created);

        Assert.False(created);
        Assert.Equal(File.ReadAllBytes(spkiPath), key.PublicKey);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(spkiPath))[..16]), key.Fingerprint);
    }

    [Fact]
    public void LoadOrCreate_CreatesAFileOpensslReadsAsTheSameKey()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("wrapping-key.pem");
        var spkiPath = directory.File("wrapping-key.spki");
        using var key = DatacenterWrappingKey.LoadOrCreate(path, out _);

        Openssl("pkey", "-in", path, "-pubout", "-outform", "DER", "-out", spkiPath);

        Assert.Equal(File.ReadAllBytes(spkiPath), key.PublicKey);
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = Mode0600,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }

    private static void Openssl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"openssl {string.Join(' ', arguments)} failed: {stderr}");
    }
}

namespace KeylessGeo.Testing;

/// <summary>
/// The real openssl command line, used to make test keys and certificates and to check the
/// keyserver's signatures and decryptions independently of .NET.
/// </summary>
public static class OpenSslCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Runs openssl and returns its standard output; throws on a non-zero exit.</summary>
    public static async Task<string> RunAsync(params string[] arguments)
    {
        var result = await ExternalProcess.RunAsync("openssl", arguments, Timeout);
        return result.EnsureSuccess("openssl " + string.Join(' ', arguments)).StandardOutput;
    }

    /// <summary>Runs openssl and returns the whole result, whatever the exit code.</summary>
    public static Task<ProcessResult> TryRunAsync(params string[] arguments) =>
        ExternalProcess.RunAsync("openssl", arguments, Timeout);

    /// <summary>PKCS#1 ("RSA PRIVATE KEY") RSA key.</summary>
    public static Task GenerateRsaPkcs1Async(string path, int bits) =>
        PrivateAsync(path, "genrsa", "-traditional", "-out", path, bits.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>PKCS#8 ("PRIVATE KEY") RSA key.</summary>
    public static Task GenerateRsaPkcs8Async(string path, int bits) =>
        PrivateAsync(path, "genpkey", "-algorithm", "RSA", "-pkeyopt", $"rsa_keygen_bits:{bits}", "-out", path);

    /// <summary>SEC1 ("EC PRIVATE KEY") key on an OpenSSL curve name (prime256v1, secp384r1, secp521r1).</summary>
    public static Task GenerateEcSec1Async(string path, string curve) =>
        PrivateAsync(path, "ecparam", "-genkey", "-name", curve, "-noout", "-out", path);

    /// <summary>PKCS#8 EC key on a NIST curve name (P-256, P-384, P-521).</summary>
    public static Task GenerateEcPkcs8Async(string path, string curve) =>
        PrivateAsync(path, "genpkey", "-algorithm", "EC", "-pkeyopt", $"ec_paramgen_curve:{curve}", "-out", path);

    /// <summary>PKCS#8 Ed25519 key.</summary>
    public static Task GenerateEd25519Async(string path) =>
        PrivateAsync(path, "genpkey", "-algorithm", "ed25519", "-out", path);

    /// <summary>Writes the SPKI PEM public key of <paramref name="keyPath"/>.</summary>
    public static Task WritePublicKeyAsync(string keyPath, string publicKeyPath) =>
        RunAsync("pkey", "-in", keyPath, "-pubout", "-out", publicKeyPath);

    /// <summary>Self-signed certificate; <paramref name="subjectAltName"/> like "DNS:a.example,IP:192.0.2.1" or null for none.</summary>
    public static Task WriteSelfSignedCertificateAsync(string keyPath, string certificatePath, string commonName, string? subjectAltName)
    {
        var arguments = new List<string> { "req", "-x509", "-new", "-key", keyPath, "-subj", "/CN=" + commonName, "-days", "30", "-out", certificatePath };
        if (subjectAltName is not null)
        {
            arguments.Add("-addext");
            arguments.Add("subjectAltName=" + subjectAltName);
        }

        return RunAsync([.. arguments]);
    }

    /// <summary>True when openssl pkeyutl verifies <paramref name="signaturePath"/> over <paramref name="inputPath"/>.</summary>
    public static async Task<bool> VerifyAsync(string publicKeyPath, string inputPath, string signaturePath, params string[] options)
    {
        string[] arguments = ["pkeyutl", "-verify", "-pubin", "-inkey", publicKeyPath, "-in", inputPath, "-sigfile", signaturePath, .. options];
        var result = await TryRunAsync(arguments);
        return result.ExitCode == 0 && result.StandardOutput.Contains("Signature Verified Successfully", StringComparison.Ordinal);
    }

    /// <summary>Encrypts <paramref name="inputPath"/> to <paramref name="outputPath"/> with the public key.</summary>
    public static Task EncryptAsync(string publicKeyPath, string inputPath, string outputPath, params string[] options) =>
        RunAsync(["pkeyutl", "-encrypt", "-pubin", "-inkey", publicKeyPath, "-in", inputPath, "-out", outputPath, .. options]);

    private static async Task PrivateAsync(string path, params string[] arguments)
    {
        await RunAsync(arguments);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}

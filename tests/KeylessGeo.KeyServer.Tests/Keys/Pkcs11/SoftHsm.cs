using System.Formats.Asn1;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Tests.Keys.Pkcs11;

/// <summary>
/// A SoftHSM2 installation of the test's own: a token directory and a <c>softhsm2.conf</c> in a
/// temporary folder, named by <c>SOFTHSM2_CONF</c> for this process (the module reads it when it
/// is initialised) and for the tools it runs. Keys are generated inside the token by
/// <c>pkcs11-tool</c>, sensitive and never extractable. Disposing restores the variable and
/// deletes the folder. Fails, never skips, when SoftHSM2 or pkcs11-tool is missing.
/// </summary>
internal sealed class SoftHsm : IDisposable
{
    /// <summary>The SoftHSM2 module Debian installs.</summary>
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    private const string ConfVariable = "SOFTHSM2_CONF";
    private readonly string? _previousConf;

    private SoftHsm(string root)
    {
        Root = root;
        TokenDirectory = Path.Combine(root, "tokens");
        Directory.CreateDirectory(TokenDirectory);
        var conf = Path.Combine(root, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {TokenDirectory}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        _previousConf = Environment.GetEnvironmentVariable(ConfVariable);
        SetConf(conf);
    }

    /// <summary>The temporary folder holding the configuration, tokens and exported public keys.</summary>
    public string Root { get; }

    /// <summary>Where SoftHSM2 keeps its tokens (one sub-folder each).</summary>
    public string TokenDirectory { get; }

    /// <summary>Creates an empty SoftHSM2 installation; throws with the fix when the tools are missing.</summary>
    public static SoftHsm Create()
    {
        foreach (var required in new[] { ModulePath, "/usr/bin/softhsm2-util", "/usr/bin/pkcs11-tool" })
        {
            if (!File.Exists(required))
            {
                throw new InvalidOperationException(
                    $"{required} is missing: the PKCS#11 tests need SoftHSM2 and OpenSC (apt-get install softhsm2 opensc; scripts/test.sh installs them).");
            }
        }

        return new SoftHsm(Directory.CreateTempSubdirectory("keylessgeo-softhsm-").FullName);
    }

    /// <summary>Initialises a token labelled <paramref name="label"/> with user PIN <paramref name="pin"/>.</summary>
    public Task InitTokenAsync(string label, string pin) =>
        RunAsync("/usr/bin/softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", "so-" + pin, "--pin", pin);

    /// <summary>Generates a key pair inside the token (<paramref name="keyType"/> as pkcs11-tool names it, e.g. rsa:2048 or EC:prime256v1).</summary>
    public async Task GenerateKeyAsync(string token, string pin, string keyType, string label, string idHex)
    {
        string[] usage = keyType.StartsWith("rsa", StringComparison.Ordinal) ? ["--usage-sign", "--usage-decrypt"] : ["--usage-sign"];
        await RunAsync(
            "/usr/bin/pkcs11-tool",
            ["--module", ModulePath, "--token-label", token, "--login", "--pin", pin, "--keypairgen", "--key-type", keyType,
             "--label", label, "--id", idHex, "--sensitive", .. usage]);
    }

    /// <summary>Deletes the private and public key objects labelled <paramref name="label"/>.</summary>
    public async Task DeleteKeyAsync(string token, string pin, string label)
    {
        foreach (var type in new[] { "privkey", "pubkey" })
        {
            await RunAsync("/usr/bin/pkcs11-tool", "--module", ModulePath, "--token-label", token, "--login", "--pin", pin, "--delete-object", "--type", type, "--label", label);
        }
    }

    /// <summary>What pkcs11-tool reports about the token's objects (after login).</summary>
    public async Task<string> ListObjectsAsync(string token, string pin) =>
        (await RunAsync("/usr/bin/pkcs11-tool", "--module", ModulePath, "--token-label", token, "--login", "--pin", pin, "--list-objects")).StandardOutput;

    /// <summary>Exports the public key object <paramref name="label"/> as an SPKI PEM file (by pkcs11-tool and openssl, not the keyserver).</summary>
    public async Task<string> ExportPublicKeyAsync(string token, string label)
    {
        var der = Path.Combine(Root, label + ".pub.der");
        var pem = Path.Combine(Root, label + ".pub.pem");
        await RunAsync("/usr/bin/pkcs11-tool", "--module", ModulePath, "--token-label", token, "--read-object", "--type", "pubkey", "--label", label, "-o", der);
        await OpenSslCli.RunAsync("pkey", "-pubin", "-inform", "DER", "-in", der, "-out", pem);
        return pem;
    }

    /// <summary>SHA-1 of the subjectPublicKey bits of an SPKI PEM file: the SKI a Keyless client sends.</summary>
    public static byte[] Ski(string publicKeyPem)
    {
        var spki = PemEncoding.Find(File.ReadAllText(publicKeyPem));
        var der = Convert.FromBase64String(File.ReadAllText(publicKeyPem)[spki.Base64Data]);
        var info = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        info.ReadSequence();
        return SHA1.HashData(info.ReadBitString(out _));
    }

    public void Dispose()
    {
        SetConf(_previousConf);
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary folder left behind does not affect other tests.
        }
    }

    /// <summary>
    /// Sets the variable for child processes (.NET's copy of the environment) and for the module
    /// in this process, which reads the C environment: on Unix, .NET does not pass its changes on.
    /// </summary>
    private static void SetConf(string? value)
    {
        Environment.SetEnvironmentVariable(ConfVariable, value);
        var result = value is null ? UnsetEnv(ConfVariable) : SetEnv(ConfVariable, value, 1);
        if (result != 0)
        {
            throw new InvalidOperationException($"setting {ConfVariable} in the C environment failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    [DllImport("libc", EntryPoint = "setenv", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "unsetenv", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int UnsetEnv(string name);

    private static async Task<ProcessResult> RunAsync(string tool, params string[] arguments) =>
        (await ExternalProcess.RunAsync(tool, arguments, TimeSpan.FromSeconds(60))).EnsureSuccess(Path.GetFileName(tool));
}

using System.Diagnostics;

namespace KeylessGeo.Cli.Demo;

/// <summary>Verifies demo signatures with the real <c>openssl</c> command, when it is installed.</summary>
public static class OpenSslVerifier
{
    /// <summary>Whether an <c>openssl</c> executable is on PATH.</summary>
    public static bool IsAvailable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(folder => File.Exists(Path.Combine(folder, "openssl")));

    /// <summary>
    /// Runs <c>openssl pkeyutl -verify</c> on the signature with the key's public half; returns
    /// true when openssl prints that the signature verified.
    /// </summary>
    public static async Task<bool> VerifyAsync(DemoSignatureCheck check, string keysDirectory, byte[] signature, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("keylessgeo-verify-");
        try
        {
            var publicKey = Path.Combine(work.FullName, "public.pem");
            var input = Path.Combine(work.FullName, "input.bin");
            var signatureFile = Path.Combine(work.FullName, "signature.bin");
            await File.WriteAllBytesAsync(input, check.Payload, cancellationToken);
            await File.WriteAllBytesAsync(signatureFile, signature, cancellationToken);
            var certificate = Path.Combine(keysDirectory, check.KeyId + ".crt");
            string[] extract = File.Exists(certificate)
                ? ["x509", "-in", certificate, "-pubkey", "-noout", "-out", publicKey]
                : ["pkey", "-in", Path.Combine(keysDirectory, check.KeyId + ".key"), "-pubout", "-out", publicKey];
            if (await RunAsync(extract, cancellationToken) != 0)
            {
                return false;
            }

            List<string> verify = ["pkeyutl", "-verify", "-pubin", "-inkey", publicKey, "-in", input, "-sigfile", signatureFile];
            verify.AddRange(check.OpenSslDigest is { } digest ? ["-pkeyopt", "digest:" + digest] : ["-rawin"]);
            return await RunAsync(verify, cancellationToken) == 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<int> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var drainOutput = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var drainError = process.StandardError.ReadToEndAsync(cancellationToken);
        await Task.WhenAll(drainOutput, drainError);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }
}

using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Tests.Infrastructure;

namespace KeylessGeo.KeyServer.Tests.Security;

/// <summary>
/// Private key bytes never reach logs, exceptions or client-facing error messages, on the
/// success path or on any failure path that touches a key file.
/// </summary>
public sealed class KeyMaterialLeakTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly List<string> _secrets = [];

    [Fact]
    public async Task KeyFailuresAndSuccesses_NeverExposePrivateKeyBytes_InLogsExceptionsOrResponses()
    {
        using var good = RSA.Create(2048);
        using var loose = RSA.Create(2048);
        using var corrupt = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var mismatched = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        WriteKey("good", good.ExportRSAPrivateKeyPem(), good.ExportSubjectPublicKeyInfoPem());
        WriteKey("loose", loose.ExportPkcs8PrivateKeyPem(), loose.ExportSubjectPublicKeyInfoPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var corruptPem = corrupt.ExportECPrivateKeyPem();
        WriteKey("corrupt", corruptPem[..(corruptPem.Length / 2)] + "\n-----END EC PRIVATE KEY-----\n", corrupt.ExportSubjectPublicKeyInfoPem());
        WriteKey("mismatched", mismatched.ExportPkcs8PrivateKeyPem(), other.ExportSubjectPublicKeyInfoPem());
        RememberSecrets(good.ExportRSAPrivateKeyPem(), good.ExportParameters(true).D!, good.ExportParameters(true).P!);
        RememberSecrets(loose.ExportPkcs8PrivateKeyPem(), loose.ExportParameters(true).D!, loose.ExportParameters(true).Q!);
        RememberSecrets(corruptPem, corrupt.ExportParameters(true).D!);
        RememberSecrets(mismatched.ExportPkcs8PrivateKeyPem(), mismatched.ExportParameters(true).D!);

        using var server = new KeyServerHarness(_directory.Path);
        var responses = new List<SignResponse>
        {
            await server.SignAsync("good", Operation.RsaPkcs1Sha256, new byte[32]),
            await server.SignAsync("good", Operation.RsaDecryptPkcs1, new byte[256]),
            await server.SignAsync("good", Operation.RsaDecryptRaw, Enumerable.Repeat((byte)0xFF, 256).ToArray()),
            await server.SignAsync("loose", Operation.RsaPkcs1Sha256, new byte[32]),
            await server.SignAsync("corrupt", Operation.EcdsaSha256, new byte[32]),
            await server.SignAsync("mismatched", Operation.EcdsaSha256, new byte[32]),
        };

        Assert.Equal(SignResponse.OutcomeOneofCase.Result, responses[0].OutcomeCase);
        Assert.Equal(ErrorCode.CryptoFailure, responses[1].Error.Code);
        Assert.Equal(ErrorCode.KeyNotFound, responses[3].Error.Code);
        Assert.Equal(ErrorCode.Internal, responses[4].Error.Code);
        Assert.Equal(ErrorCode.Internal, responses[5].Error.Code);
        var written = server.Logs.Entries.Select(entry => entry.Message + "\n" + entry.Exception)
            .Concat(responses.Where(r => r.OutcomeCase == SignResponse.OutcomeOneofCase.Error).Select(r => r.Error.Message))
            .ToList();
        Assert.Contains(written, text => text.Contains("loose", StringComparison.Ordinal));
        foreach (var text in written)
        {
            foreach (var secret in _secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    public void Dispose() => _directory.Dispose();

    private void WriteKey(string name, string privatePem, string publicPem, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = Path.Combine(_directory.Path, name + ".key");
        File.WriteAllText(path, privatePem);
        File.SetUnixFileMode(path, mode);
        File.WriteAllText(Path.Combine(_directory.Path, name + ".pub"), publicPem);
    }

    // Every base64 line of the PEM body, and each private parameter in hex and base64.
    private void RememberSecrets(string pem, params byte[][] parameters)
    {
        _secrets.AddRange(pem.Split('\n').Where(line => line.Length >= 32 && !line.StartsWith("-----", StringComparison.Ordinal)));
        foreach (var parameter in parameters)
        {
            _secrets.Add(Convert.ToHexString(parameter));
            _secrets.Add(Convert.ToBase64String(parameter));
        }
    }
}

using System.Collections.Concurrent;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Verifies signatures with the keys' public halves, without any keyserver: RSA and ECDSA in
/// process against the key's certificate, Ed25519 (no .NET API) with <c>openssl</c>. Results are
/// remembered per signature, since RSA PKCS#1 v1.5 and Ed25519 sign the same digest identically.
/// </summary>
public sealed class DemoVerifier(DemoMaterial material)
{
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="signature"/> is <paramref name="check"/>'s key's signature of its payload.</summary>
    public async Task<bool> VerifyAsync(DemoSignatureCheck check, byte[] signature, CancellationToken cancellationToken)
    {
        var id = check.KeyId + ":" + Convert.ToHexString(signature);
        if (_known.TryGetValue(id, out var known))
        {
            return known;
        }

        var inProcess = check.VerifyInProcess(material.KeysDirectory, signature);
        var verified = inProcess ?? (OpenSslVerifier.IsAvailable && await OpenSslVerifier.VerifyAsync(check, material.KeysDirectory, signature, cancellationToken));
        _known[id] = verified;
        return verified;
    }
}

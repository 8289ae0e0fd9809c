using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>Builds <see cref="KeyView"/>s from stored records.</summary>
internal static class KeyViews
{
    public static KeyView From(ManagedKeyRecord key, bool includeWrapped = false) => new()
    {
        KeyId = key.KeyId,
        PolicyId = key.PolicyId,
        Version = key.Version,
        Algorithm = key.Algorithm,
        Ski = Convert.ToHexStringLower(key.Ski),
        CertDigest = key.CertDigest is { } digest ? Convert.ToHexStringLower(digest) : null,
        PublicKeyPem = PemEncoding.WriteString("PUBLIC KEY", key.SubjectPublicKeyInfo),
        HostNames = key.HostNames,
        Certificate = key.CertificatePem is { } pem ? CertificateReader.View(pem) : null,
        PolicyKeyGeneration = key.PolicyKeyGeneration,
        CreatedAt = key.CreatedAt,
        UpdatedAt = key.UpdatedAt,
        WrappedPrivateKey = includeWrapped ? Convert.ToBase64String(key.WrappedPrivateKey) : null,
    };
}

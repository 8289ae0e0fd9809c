using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.KeyServer.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// Builds the <see cref="IndexedKey"/> for one <c>NAME.key</c> from public information only:
/// <c>NAME.crt</c>, else <c>NAME.pub</c>, else (with a warning) the private key itself.
/// </summary>
internal static class KeyFileIndexer
{
    /// <summary>Indexes <paramref name="privateKeyPath"/>; throws <see cref="KeyFileException"/> when it cannot be served.</summary>
    public static IndexedKey Index(string privateKeyPath, ILogger logger)
    {
        KeyFilePermissions.EnsurePrivate(privateKeyPath);
        var keyId = Path.GetFileNameWithoutExtension(privateKeyPath);
        var certificatePath = Path.ChangeExtension(privateKeyPath, ".crt");
        var publicKeyPath = Path.ChangeExtension(privateKeyPath, ".pub");

        byte[] spki;
        string source;
        IReadOnlyList<string> hostNames = [];
        IReadOnlyList<byte[]> ips = [];
        if (File.Exists(certificatePath))
        {
            using var leaf = ReadLeafCertificate(certificatePath);
            spki = leaf.PublicKey.ExportSubjectPublicKeyInfo();
            (hostNames, ips) = CertificateNames.Read(leaf);
            source = "certificate";
            if (File.Exists(publicKeyPath) && !spki.AsSpan().SequenceEqual(ReadPublicKeyFile(publicKeyPath)))
            {
                throw new KeyFileException($"'{publicKeyPath}' and '{certificatePath}' hold different public keys");
            }
        }
        else if (File.Exists(publicKeyPath))
        {
            spki = ReadPublicKeyFile(publicKeyPath);
            source = "public key file";
        }
        else
        {
            spki = DerivePublicKey(privateKeyPath);
            source = "private key";
            KeyServerLog.PublicKeyDerivedFromPrivateKey(logger, keyId, publicKeyPath);
        }

        var parsed = SubjectPublicKeyInfoParser.Parse(spki);
        return new IndexedKey
        {
            KeyId = keyId,
            PrivateKeyPath = privateKeyPath,
            Algorithm = parsed.Algorithm,
            ModulusBytes = parsed.ModulusBytes,
            KeySizeBits = parsed.KeySizeBits,
            SubjectPublicKeyInfo = spki,
            Ski = parsed.Ski,
            CertDigest = parsed.CertDigest,
            HostNames = hostNames,
            IpAddresses = ips,
            PublicKeySource = source,
        };
    }

    private static X509Certificate2 ReadLeafCertificate(string path)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (CryptographicException e)
        {
            throw new KeyFileException($"'{path}' is not a valid PEM certificate chain", e);
        }

        if (collection.Count == 0)
        {
            throw new KeyFileException($"'{path}' holds no certificate");
        }

        for (var i = 1; i < collection.Count; i++)
        {
            collection[i].Dispose();
        }

        return collection[0];
    }

    private static byte[] ReadPublicKeyFile(string path)
    {
        var (label, der) = PemReader.ReadFirstBlock(path);
        return label == "PUBLIC KEY"
            ? der
            : throw new KeyFileException($"'{path}' holds a '{label}' PEM block; expected PUBLIC KEY (SubjectPublicKeyInfo)");
    }

    private static byte[] DerivePublicKey(string privateKeyPath)
    {
        var key = PrivateKeyLoader.LoadFile(privateKeyPath, null);
        try
        {
            return PrivateKeyLoader.ExportSubjectPublicKeyInfo(key);
        }
        finally
        {
            key.Release();
        }
    }
}

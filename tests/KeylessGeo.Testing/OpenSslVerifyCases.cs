using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Testing;

/// <summary>
/// Every signature operation with its payload length and the <c>openssl pkeyutl -verify</c>
/// options that check it: one table for every suite that verifies signatures with openssl.
/// </summary>
public static class OpenSslVerifyCases
{
    /// <summary>Rows of (key, operation, payload length, openssl verify options) for the given keys.</summary>
    public static IReadOnlyList<(string Key, Operation Operation, int PayloadLength, string[] VerifyOptions)> For(
        IEnumerable<string> rsaKeys, IEnumerable<string> ecKeys, string ed25519Key)
    {
        ArgumentNullException.ThrowIfNull(rsaKeys);
        ArgumentNullException.ThrowIfNull(ecKeys);
        var data = new List<(string, Operation, int, string[])>();
        foreach (var key in rsaKeys)
        {
            data.Add((key, Operation.RsaPkcs1Md5Sha1, 36, ["-pkeyopt", "rsa_padding_mode:pkcs1"]));
            data.Add((key, Operation.RsaPkcs1Sha1, 20, Pkcs1("sha1")));
            data.Add((key, Operation.RsaPkcs1Sha224, 28, Pkcs1("sha224")));
            data.Add((key, Operation.RsaPkcs1Sha256, 32, Pkcs1("sha256")));
            data.Add((key, Operation.RsaPkcs1Sha384, 48, Pkcs1("sha384")));
            data.Add((key, Operation.RsaPkcs1Sha512, 64, Pkcs1("sha512")));
            data.Add((key, Operation.RsaPssSha256, 32, Pss("sha256")));
            data.Add((key, Operation.RsaPssSha384, 48, Pss("sha384")));
            data.Add((key, Operation.RsaPssSha512, 64, Pss("sha512")));
        }

        foreach (var key in ecKeys)
        {
            data.Add((key, Operation.EcdsaMd5Sha1, 36, []));
            data.Add((key, Operation.EcdsaSha1, 20, ["-pkeyopt", "digest:sha1"]));
            data.Add((key, Operation.EcdsaSha224, 28, ["-pkeyopt", "digest:sha224"]));
            data.Add((key, Operation.EcdsaSha256, 32, ["-pkeyopt", "digest:sha256"]));
            data.Add((key, Operation.EcdsaSha384, 48, ["-pkeyopt", "digest:sha384"]));

            // Without a digest option openssl checks the raw input as the digest.
            data.Add((key, Operation.EcdsaSha512, 64, []));
        }

        data.Add((ed25519Key, Operation.Ed25519, 64, ["-rawin"]));
        data.Add((ed25519Key, Operation.Ed25519, 300, ["-rawin"]));
        return data;
    }

    private static string[] Pkcs1(string digest) => ["-pkeyopt", "rsa_padding_mode:pkcs1", "-pkeyopt", "digest:" + digest];

    private static string[] Pss(string digest) =>
        ["-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt", "rsa_pss_saltlen:digest", "-pkeyopt", "digest:" + digest];
}

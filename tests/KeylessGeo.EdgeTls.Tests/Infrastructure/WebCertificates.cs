using KeylessGeo.Testing;

namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>
/// A test web CA (openssl CLI) and server certificates it signs for given keys, written as PEM
/// files: what an operator gives nginx. Only certificates are written where nginx reads, except
/// the one local-disk key the comparison server uses.
/// </summary>
public static class WebCertificates
{
    /// <summary>Creates the CA (<c>ca.pem</c>, <c>ca.key</c>) in <paramref name="directory"/>; returns the certificate's path.</summary>
    public static async Task<string> CreateCaAsync(string directory)
    {
        var certificate = Path.Combine(directory, "ca.pem");
        await OpenSslCli.RunAsync(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", Path.Combine(directory, "ca.key"), "-out", certificate, "-days", "2",
            "-subj", "/CN=KeylessGeo Edge TLS Test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return certificate;
    }

    /// <summary>Issues a server certificate for <paramref name="hostName"/> over the key in <paramref name="keyPath"/>.</summary>
    public static async Task IssueAsync(string caDirectory, string keyPath, string hostName, string certificatePath)
    {
        var work = Directory.CreateTempSubdirectory("keylessgeo-csr-").FullName;
        try
        {
            var request = Path.Combine(work, "request.csr");
            var extensions = Path.Combine(work, "server.ext");
            await File.WriteAllTextAsync(extensions,
                $"subjectAltName=DNS:{hostName}\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
            await OpenSslCli.RunAsync("req", "-new", "-key", keyPath, "-subj", "/CN=" + hostName, "-out", request);
            await OpenSslCli.RunAsync(
                "x509", "-req", "-in", request, "-CA", Path.Combine(caDirectory, "ca.pem"), "-CAkey", Path.Combine(caDirectory, "ca.key"),
                "-set_serial", "0x" + Convert.ToHexString(Guid.NewGuid().ToByteArray()[..8]), "-days", "2", "-sha256",
                "-extfile", extensions, "-out", certificatePath);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

namespace KeylessGeo.Testing;

/// <summary>Paths of the PEM files written by <see cref="TestTlsMaterial.WritePem"/>.</summary>
/// <param name="Directory">The folder holding the files.</param>
public sealed record TestPemFiles(string Directory)
{
    /// <summary>The trusted CA certificate.</summary>
    public string CaCertificate => Path.Combine(Directory, "ca.pem");

    /// <summary>The server certificate.</summary>
    public string ServerCertificate => Path.Combine(Directory, "server.pem");

    /// <summary>The server private key.</summary>
    public string ServerKey => Path.Combine(Directory, "server.key");

    /// <summary>The client certificate.</summary>
    public string ClientCertificate => Path.Combine(Directory, "client.pem");

    /// <summary>The client private key.</summary>
    public string ClientKey => Path.Combine(Directory, "client.key");

    /// <summary>A client certificate from the untrusted CA.</summary>
    public string OtherClientCertificate => Path.Combine(Directory, "other-client.pem");

    /// <summary>Its private key.</summary>
    public string OtherClientKey => Path.Combine(Directory, "other-client.key");

    /// <summary>A client certificate from the trusted CA whose validity has ended.</summary>
    public string ExpiredClientCertificate => Path.Combine(Directory, "expired-client.pem");

    /// <summary>Its private key.</summary>
    public string ExpiredClientKey => Path.Combine(Directory, "expired-client.key");

    /// <summary>A cluster member's certificate (server and client usages).</summary>
    public string PeerCertificate => Path.Combine(Directory, "peer.pem");

    /// <summary>The cluster member certificate's private key.</summary>
    public string PeerKey => Path.Combine(Directory, "peer.key");
}

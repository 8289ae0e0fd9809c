namespace KeylessGeo.EdgeHost.Configuration;

/// <summary>One certificate the edge host serves (an element of the <c>Certificates</c> list).</summary>
public sealed record CertificateOptions
{
    /// <summary>The configuration section of the list.</summary>
    public const string SectionName = "Certificates";

    /// <summary>
    /// The server names it answers for (SNI), exact (<c>www.example.com</c>) or one-label wildcards
    /// (<c>*.example.com</c>). A connection without SNI, or with a name no certificate lists, gets
    /// the first certificate.
    /// </summary>
    public List<string> Hosts { get; init; } = [];

    /// <summary>PEM file with the certificate, optionally followed by its intermediate certificates.</summary>
    public string CertificatePath { get; init; } = "";

    /// <summary>
    /// The key's id for the engine; empty means <see cref="CertificatePath"/> (the module names the
    /// key by the certificate's public key).
    /// </summary>
    public string KeyId { get; init; } = "";

    /// <summary>
    /// A PEM private key on local disk instead of the engine: for a certificate that is not keyless
    /// (and for comparing costs). Must be readable by the owner only.
    /// </summary>
    public string LocalKeyPath { get; init; } = "";
}

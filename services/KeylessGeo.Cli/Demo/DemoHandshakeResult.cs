using System.Globalization;

namespace KeylessGeo.Cli.Demo;

/// <summary>One row of the demo's TLS table: handshakes for one certificate, through one datacenter's edge host, with one TLS version.</summary>
/// <param name="ServerName">The server name (SNI) asked for, which selects the certificate.</param>
/// <param name="KeyId">The key of that certificate (held by keyservers only).</param>
/// <param name="Policy">The text of the key's policy.</param>
/// <param name="Entry">The datacenter whose edge host terminated TLS.</param>
/// <param name="Version">The TLS version the client offered (<c>TLS 1.3</c> or <c>TLS 1.2</c>).</param>
/// <param name="Cipher">The negotiated cipher suite, or null when no handshake completed.</param>
/// <param name="Signers">The keyservers whose count of performed operations grew during the row, with the datacenter and how many each performed.</param>
/// <param name="Latency">The median handshake time (the client's TLS handshake, the remote signature included).</param>
/// <param name="Handshakes">Handshakes completed.</param>
/// <param name="Verified">Handshakes whose chain validated against the demo CA for the server name, and whose response came from the entry's edge host.</param>
/// <param name="OutsidePolicy">Operations counted at keyservers of datacenters the policy does not permit (must be 0).</param>
/// <param name="Error">Why the row failed before its handshakes completed, or null.</param>
public sealed record DemoHandshakeResult(
    string ServerName,
    string KeyId,
    string Policy,
    string Entry,
    string Version,
    string? Cipher,
    IReadOnlyList<(string KeyserverId, string Datacenter, int Operations)> Signers,
    TimeSpan Latency,
    int Handshakes,
    int Verified,
    int OutsidePolicy,
    string? Error)
{
    /// <summary>The private-key operations the keyservers counted during the row.</summary>
    public int Signatures => Signers.Sum(s => s.Operations);

    /// <summary>Every handshake completed and verified, each with exactly one operation counted at a keyserver the policy permits.</summary>
    public bool Passed => Error is null && Handshakes > 0 && Verified == Handshakes && OutsidePolicy == 0 && Signatures == Handshakes;

    /// <summary>The signer column: <c>ks-fra1-1 (fra1)</c>, several when several signed.</summary>
    public string SignersText => Signers.Count == 0 ? "-" : string.Join(", ", Signers.Select(s => $"{s.KeyserverId} ({s.Datacenter})"));

    /// <summary>
    /// The path from the entry to the signers: one keyserver, or several of the same kind (a
    /// request forwarded to another region goes to any keyserver the policy permits there).
    /// </summary>
    public string PathText => Signers.Count == 0 ? "-" : string.Join(", ", Signers.Select(s => DemoResult.Classify(Entry, s.Datacenter)).Distinct().Select(path => path switch
    {
        DemoPath.Local => "local",
        DemoPath.InRegionHop => "in-region hop",
        _ => "cross-region",
    }));

    /// <summary>The TLS column: version and cipher suite.</summary>
    public string TlsText => Cipher is null ? Version : $"{Version} {Cipher}";

    /// <summary>The verification column.</summary>
    public string VerifiedText => Error is not null ? "ERROR: " + Error
        : OutsidePolicy > 0 ? $"OUTSIDE POLICY ({OutsidePolicy})"
        : Verified != Handshakes ? $"NOT VERIFIED ({Handshakes - Verified}/{Handshakes})"
        : Signatures != Handshakes ? string.Create(CultureInfo.InvariantCulture, $"verified {Verified}/{Handshakes}, but {Signatures} keyserver operations counted")
        : $"verified {Verified}/{Handshakes}";
}

using System.Globalization;

namespace KeylessGeo.ControlPlane.Access;

/// <summary>
/// The authenticated identity of a request: what the audit log records as the actor and what
/// grants are matched against. Never taken from a request header.
/// </summary>
public sealed record CallerIdentity
{
    private CallerIdentity(IdentityKind kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    /// <summary>The actor name for a request on the read-only plaintext endpoint.</summary>
    public const string AnonymousName = "anonymous (loopback plaintext)";

    /// <summary>How the caller was identified.</summary>
    public IdentityKind Kind { get; }

    /// <summary>The audit actor: the certificate subject, <c>uid:1000(alice)</c>, or <see cref="AnonymousName"/>.</summary>
    public string Name { get; }

    /// <summary>The certificate subject (<see cref="IdentityKind.Certificate"/>).</summary>
    public string? CertificateSubject { get; private init; }

    /// <summary>The subject's matching key (<see cref="CertificateSubjects"/>), what grants are compared with.</summary>
    public string? CertificateKey { get; private init; }

    /// <summary>The peer's uid (<see cref="IdentityKind.UnixPeer"/>).</summary>
    public uint? Uid { get; private init; }

    /// <summary>The peer's user name, when the uid has one (<see cref="IdentityKind.UnixPeer"/>).</summary>
    public string? UserName { get; private init; }

    /// <summary>A client certificate's subject and its matching key.</summary>
    public static CallerIdentity FromCertificate(string subject, string key) =>
        new(IdentityKind.Certificate, subject) { CertificateSubject = subject, CertificateKey = key };

    /// <summary>A Unix socket peer: <c>uid:1000(alice)</c>, or <c>uid:1000</c> when the uid has no user name.</summary>
    public static CallerIdentity FromUnixPeer(uint uid, string? userName) =>
        new(IdentityKind.UnixPeer, NameOf(uid, userName)) { Uid = uid, UserName = userName };

    /// <summary>The plaintext endpoint's caller.</summary>
    public static CallerIdentity Anonymous { get; } = new(IdentityKind.Anonymous, AnonymousName);

    /// <summary>The audit name of a local user: <c>uid:1000(alice)</c>.</summary>
    public static string NameOf(uint uid, string? userName) =>
        userName is null
            ? string.Create(CultureInfo.InvariantCulture, $"uid:{uid}")
            : string.Create(CultureInfo.InvariantCulture, $"uid:{uid}({userName})");

    /// <inheritdoc />
    public override string ToString() => Name;
}

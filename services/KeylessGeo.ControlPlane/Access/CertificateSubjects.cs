using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.ControlPlane.Access;

/// <summary>
/// Certificate subjects in one canonical text form, so a configured <c>CN=alice,O=ops</c> matches a
/// certificate whose subject .NET renders as <c>CN=alice, O=ops</c>.
/// </summary>
public static class CertificateSubjects
{
    /// <summary>The subject of <paramref name="certificate"/> as the audit log records it.</summary>
    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.SubjectName.Name;
    }

    /// <summary>A configured subject in the form <see cref="Of"/> gives, or null when it does not parse.</summary>
    public static string? Normalize(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (string.IsNullOrWhiteSpace(subject))
        {
            return null;
        }

        try
        {
            var name = new X500DistinguishedName(subject).Name;
            return string.IsNullOrEmpty(name) ? null : name;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

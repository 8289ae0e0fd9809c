using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.ControlPlane.Access;

/// <summary>
/// Certificate subjects: the text the audit log records (as .NET renders it, e.g.
/// <c>CN=alice, O=ops</c>) and a canonical key for matching grants. The key is the subject's
/// attributes, each as <c>OID=value</c>, sorted — so a grant written <c>CN=alice, O=ops</c>
/// matches a certificate whose subject was encoded in the other order (rendered
/// <c>O=ops, CN=alice</c>), and spacing or quoting in the configuration does not matter.
/// </summary>
public static class CertificateSubjects
{
    /// <summary>The subject of <paramref name="certificate"/> as the audit log records it.</summary>
    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.SubjectName.Name;
    }

    /// <summary>The matching key of <paramref name="certificate"/>'s subject.</summary>
    public static string KeyOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Key(certificate.SubjectName);
    }

    /// <summary>The matching key of a configured subject, or null when it does not parse as a distinguished name.</summary>
    public static string? Normalize(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (string.IsNullOrWhiteSpace(subject))
        {
            return null;
        }

        try
        {
            var name = new X500DistinguishedName(subject);
            return name.EnumerateRelativeDistinguishedNames().Any() ? Key(name) : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static string Key(X500DistinguishedName name)
    {
        var parts = new List<string>();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            // A multi-valued RDN (rare) is compared by its encoding.
            parts.Add(rdn.HasMultipleElements
                ? "#" + Convert.ToHexStringLower(rdn.RawData.Span)
                : $"{rdn.GetSingleElementType().Value}={rdn.GetSingleElementValue()}");
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join("\n", parts);
    }
}

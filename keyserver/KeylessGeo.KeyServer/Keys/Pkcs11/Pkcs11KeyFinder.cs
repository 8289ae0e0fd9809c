using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// Finds the key objects a URI selects on a token and reads their public halves: RSA from the
/// private object's CKA_MODULUS and CKA_PUBLIC_EXPONENT (else the public object's), EC from
/// CKA_EC_PARAMS and the public object's CKA_EC_POINT (matched by CKA_ID, else CKA_LABEL).
/// </summary>
internal static class Pkcs11KeyFinder
{
    /// <summary>Every private key on the session's token that <paramref name="id"/> and <paramref name="label"/> (each null for any) select.</summary>
    public static List<(Pkcs11FoundKey? Key, string? Problem)> FindPrivateKeys(ISession session, byte[]? id, string? label)
    {
        var found = new List<(Pkcs11FoundKey?, string?)>();
        foreach (var handle in session.FindAllObjects(Template(CKO.CKO_PRIVATE_KEY, id, label, null)))
        {
            found.Add(Describe(session, handle));
        }

        return found;
    }

    /// <summary>
    /// The keys a session that is not logged in can see: public key objects, standing in for the
    /// private keys the token will not show before login.
    /// </summary>
    public static List<(Pkcs11FoundKey? Key, string? Problem)> FindPublicKeys(ISession session, byte[]? id, string? label)
    {
        var found = new List<(Pkcs11FoundKey?, string?)>();
        foreach (var handle in session.FindAllObjects(Template(CKO.CKO_PUBLIC_KEY, id, label, null)))
        {
            var attributes = Read(session, handle, CKA.CKA_KEY_TYPE, CKA.CKA_ID, CKA.CKA_LABEL, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT, CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT);
            var keyId = Bytes(attributes[1]) ?? [];
            var keyLabel = Text(attributes[2]);
            var spki = (CKK)attributes[0].GetValueAsUlong() switch
            {
                CKK.CKK_RSA when Bytes(attributes[3]) is { } n && Bytes(attributes[4]) is { } e => Pkcs11PublicKey.Rsa(n, e),
                CKK.CKK_EC when Bytes(attributes[5]) is { } p && Bytes(attributes[6]) is { } q => Pkcs11PublicKey.Ec(p, q),
                _ => null,
            };
            found.Add(spki is null
                ? (null, $"public key object '{keyLabel}' is not an RSA or EC key the keyserver can use")
                : (new Pkcs11FoundKey { Id = keyId, Label = keyLabel, SubjectPublicKeyInfo = spki, Certificate = Certificate(session, keyId, spki) }, null));
        }

        return found;
    }

    /// <summary>The private key objects of <paramref name="keyType"/> with this id and label (empty values match any).</summary>
    public static List<IObjectHandle> FindCandidates(ISession session, byte[] id, string label, CKK keyType) =>
        session.FindAllObjects(Template(CKO.CKO_PRIVATE_KEY, id.Length > 0 ? id : null, label.Length > 0 ? label : null, keyType));

    /// <summary>The public facts of private key <paramref name="handle"/>, or why it cannot be served.</summary>
    public static (Pkcs11FoundKey? Key, string? Problem) Describe(ISession session, IObjectHandle handle)
    {
        var attributes = Read(session, handle, CKA.CKA_KEY_TYPE, CKA.CKA_ID, CKA.CKA_LABEL, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT, CKA.CKA_EC_PARAMS);
        var id = Bytes(attributes[1]) ?? [];
        var label = Text(attributes[2]);
        var name = label.Length > 0 ? $"'{label}'" : $"with id {Convert.ToHexStringLower(id)}";
        var keyType = attributes[0].CannotBeRead ? (CKK?)null : (CKK)attributes[0].GetValueAsUlong();
        byte[]? spki;
        try
        {
            spki = keyType switch
            {
                CKK.CKK_RSA => RsaPublicKey(session, id, label, Bytes(attributes[3]), Bytes(attributes[4])),
                CKK.CKK_EC => EcPublicKey(session, id, label, Bytes(attributes[5])),
                _ => null,
            };
        }
        catch (KeyFileException e)
        {
            return (null, $"private key {name}: {e.Message}");
        }

        if (spki is null)
        {
            return (null, keyType is CKK.CKK_RSA or CKK.CKK_EC
                ? $"private key {name}: its public key cannot be read (no readable CKA_MODULUS/CKA_PUBLIC_EXPONENT, or no public key object with the same CKA_ID holding CKA_EC_POINT)"
                : $"private key {name} is of type {keyType?.ToString() ?? "unknown"}; the keyserver serves RSA and EC (P-256, P-384, P-521) keys from tokens");
        }

        return (new Pkcs11FoundKey { Handle = handle, Id = id, Label = label, SubjectPublicKeyInfo = spki, Certificate = Certificate(session, id, spki) }, null);
    }

    private static byte[]? RsaPublicKey(ISession session, byte[] id, string label, byte[]? modulus, byte[]? exponent)
    {
        if (modulus is null || exponent is null)
        {
            var match = PublicObject(session, id, label, CKK.CKK_RSA, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT);
            modulus ??= match?[0];
            exponent ??= match?[1];
        }

        return modulus is null || exponent is null ? null : Pkcs11PublicKey.Rsa(modulus, exponent);
    }

    private static byte[]? EcPublicKey(ISession session, byte[] id, string label, byte[]? parameters)
    {
        var match = PublicObject(session, id, label, CKK.CKK_EC, CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT);
        if (match is null)
        {
            return null;
        }

        parameters ??= match[0];
        if (parameters is null || match[1] is null || !parameters.AsSpan().SequenceEqual(match[0]))
        {
            return null;
        }

        return Pkcs11PublicKey.Ec(parameters, match[1]!);
    }

    /// <summary>The requested attributes of the one public key object that pairs with a private key (same CKA_ID, else same CKA_LABEL).</summary>
    private static byte[]?[]? PublicObject(ISession session, byte[] id, string label, CKK keyType, params CKA[] wanted)
    {
        if (id.Length == 0 && label.Length == 0)
        {
            return null;
        }

        var handles = session.FindAllObjects(Template(CKO.CKO_PUBLIC_KEY, id.Length > 0 ? id : null, id.Length > 0 ? null : label, keyType));
        if (handles.Count != 1)
        {
            // None, or several that cannot be told apart: the pairing would be a guess.
            return null;
        }

        var attributes = Read(session, handles[0], wanted);
        var values = new byte[]?[attributes.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Bytes(attributes[i]);
        }

        return values;
    }

    private static byte[]? Certificate(ISession session, byte[] id, byte[] spki)
    {
        if (id.Length == 0)
        {
            return null;
        }

        foreach (var handle in session.FindAllObjects(Template(CKO.CKO_CERTIFICATE, id, null, null)))
        {
            if (Bytes(Read(session, handle, CKA.CKA_VALUE)[0]) is { } der)
            {
                return der;
            }
        }

        return null;
    }

    private static List<IObjectAttribute> Template(CKO objectClass, byte[]? id, string? label, CKK? keyType)
    {
        var factory = Pkcs11Module.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute> { factory.Create(CKA.CKA_CLASS, objectClass) };
        if (id is not null)
        {
            template.Add(factory.Create(CKA.CKA_ID, id));
        }

        if (label is not null)
        {
            template.Add(factory.Create(CKA.CKA_LABEL, label));
        }

        if (keyType is { } type)
        {
            template.Add(factory.Create(CKA.CKA_KEY_TYPE, type));
        }

        return template;
    }

    private static List<IObjectAttribute> Read(ISession session, IObjectHandle handle, params CKA[] attributes) =>
        session.GetAttributeValue(handle, [.. attributes]);

    private static byte[]? Bytes(IObjectAttribute attribute) =>
        attribute.CannotBeRead ? null : attribute.GetValueAsByteArray() is { Length: > 0 } value ? value : null;

    private static string Text(IObjectAttribute attribute) => attribute.CannotBeRead ? "" : attribute.GetValueAsString() ?? "";
}

namespace KeylessGeo.ControlPlane.Operations;

/// <summary>
/// The syntax of operator-chosen ids: a letter or digit, then letters, digits, <c>.</c>,
/// <c>_</c> or <c>-</c>; at most 64 characters for policies and 128 for keys (a key id is also
/// the keyserver's file name for the key, so no <c>/</c> and no leading dot).
/// </summary>
public static class Ids
{
    /// <summary>The longest policy id.</summary>
    public const int MaxPolicyIdLength = 64;

    /// <summary>The longest key id.</summary>
    public const int MaxKeyIdLength = 128;

    /// <summary>Throws a 400 <see cref="ControlPlaneException"/> unless <paramref name="id"/> is a valid policy id.</summary>
    public static void CheckPolicyId(string? id, string field = "id") => Check(id, MaxPolicyIdLength, "policy", field);

    /// <summary>Throws a 400 <see cref="ControlPlaneException"/> unless <paramref name="id"/> is a valid key id.</summary>
    public static void CheckKeyId(string? id, string field = "keyId") => Check(id, MaxKeyIdLength, "key", field);

    /// <summary>True when <paramref name="id"/> follows the syntax with at most <paramref name="maxLength"/> characters.</summary>
    public static bool IsValid(string? id, int maxLength)
    {
        if (string.IsNullOrEmpty(id) || id.Length > maxLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static void Check(string? id, int maxLength, string what, string field)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, field, $"a {what} id is required");
        }

        if (!IsValid(id, maxLength))
        {
            throw ControlPlaneException.Syntax(ErrorCodes.InvalidId, field,
                $"invalid {what} id '{Printable(id)}': expected 1–{maxLength} characters of [A-Za-z0-9._-], starting with a letter or digit");
        }
    }

    /// <summary>The id as it can be echoed safely: control characters escaped, at most 140 characters.</summary>
    internal static string Printable(string id)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var c in id.Length > 140 ? id[..140] : id)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return id.Length > 140 ? builder + "…" : builder.ToString();
    }
}

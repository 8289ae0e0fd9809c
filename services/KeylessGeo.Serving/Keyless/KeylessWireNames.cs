using System.Text;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// Metric tag values for opcodes and wire errors ("ECDSA_SIGN_SHA256", "KEY_NOT_FOUND"),
/// computed once. Values a client may send but the protocol does not define all become
/// "UNKNOWN", so clients cannot create unbounded time series.
/// </summary>
internal static class KeylessWireNames
{
    public const string None = "NONE";
    public const string Unknown = "UNKNOWN";
    public const string Ok = "OK";

    private static readonly string[] Opcodes = Table<KeylessOpcode>();
    private static readonly string[] Errors = Table<KeylessError>();

    public static string Of(KeylessOpcode? opcode) => opcode is { } value ? Opcodes[(byte)value] : None;

    public static string Of(KeylessError? error) => error is { } value ? Errors[(byte)value] : Ok;

    private static string[] Table<TEnum>()
        where TEnum : struct, Enum
    {
        var names = new string[256];
        Array.Fill(names, Unknown);
        foreach (var value in Enum.GetValues<TEnum>())
        {
            names[Convert.ToByte(value, System.Globalization.CultureInfo.InvariantCulture)] = UpperSnake(value.ToString());
        }

        return names;
    }

    /// <summary>"EcdsaSignSha256" as "ECDSA_SIGN_SHA256": an underscore before each capital that follows a non-capital.</summary>
    private static string UpperSnake(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]))
            {
                text.Append('_');
            }

            text.Append(char.ToUpperInvariant(name[i]));
        }

        return text.ToString();
    }
}

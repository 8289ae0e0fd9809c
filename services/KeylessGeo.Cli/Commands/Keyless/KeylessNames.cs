using System.Text;
using KeylessGeo.Keyless.Client;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary>The protocol's names for opcodes and wire errors ("ECDSA_SIGN_SHA256", "KEY_NOT_FOUND"), as the keyserver's metrics spell them.</summary>
public static class KeylessNames
{
    /// <summary>The name of an opcode.</summary>
    public static string Of(KeylessOpcode opcode) => Enum.IsDefined(opcode) ? UpperSnake(opcode.ToString()) : $"0x{(byte)opcode:X2}";

    /// <summary>The name of a wire error.</summary>
    public static string Of(KeylessError error) => Enum.IsDefined(error) ? UpperSnake(error.ToString()) : $"UNKNOWN_0x{(byte)error:X2}";

    /// <summary>What kind of failure <paramref name="result"/> is: the wire error's name, or the client's error code for a request the server did not answer.</summary>
    public static string KindOf(in KeylessResult result) => result.WireError is { } wire ? Of(wire) : "client " + result.Code;

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

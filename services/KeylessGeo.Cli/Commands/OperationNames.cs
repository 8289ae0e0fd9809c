using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Cli.Commands;

/// <summary>
/// Parses operation names as operators type them: <c>EcdsaSha256</c>, <c>ecdsa-sha256</c> or
/// the proto name <c>OPERATION_ECDSA_SHA256</c> all name the same operation.
/// </summary>
public static class OperationNames
{
    /// <summary>Returns the operation, or null when <paramref name="text"/> names none.</summary>
    public static Operation? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var wanted = Normalize(text);
        foreach (var operation in Enum.GetValues<Operation>())
        {
            if (operation != Operation.Unspecified && Normalize(operation.ToString()) == wanted)
            {
                return operation;
            }
        }

        return null;
    }

    /// <summary>Every valid name, for error messages.</summary>
    public static string All => string.Join(", ", Enum.GetValues<Operation>().Where(o => o != Operation.Unspecified));

    private static string Normalize(string text)
    {
        var letters = new string([.. text.Where(char.IsLetterOrDigit)]).ToUpperInvariant();
        return letters.StartsWith("OPERATION", StringComparison.Ordinal) ? letters["OPERATION".Length..] : letters;
    }
}

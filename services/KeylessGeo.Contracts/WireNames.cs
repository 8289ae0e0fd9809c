using Google.Protobuf.Reflection;

namespace KeylessGeo.Contracts.V1;

/// <summary>The contract's names for enum values ("OPERATION_RSA_PSS_SHA256", "KEY_NOT_FOUND"), computed once.</summary>
public static class WireNames
{
    private static readonly string[] Operations = NamesOf(Operation.Unspecified.GetType().Name);
    private static readonly string[] ErrorCodes = NamesOf(ErrorCode.Unspecified.GetType().Name);

    public static string Of(Operation operation) =>
        (uint)operation < (uint)Operations.Length ? Operations[(int)operation] : $"OPERATION({(int)operation})";

    /// <summary>
    /// The name for a metric tag: values outside the contract all become
    /// <c>OPERATION_UNKNOWN</c>, so a client sending arbitrary numbers cannot create unbounded
    /// time series.
    /// </summary>
    public static string TagOf(Operation operation) =>
        (uint)operation < (uint)Operations.Length && Operations[(int)operation] is { } name ? name : "OPERATION_UNKNOWN";

    public static string Of(ErrorCode code) =>
        (uint)code < (uint)ErrorCodes.Length ? ErrorCodes[(int)code] : $"ERROR_CODE({(int)code})";

    private static string[] NamesOf(string enumName)
    {
        var descriptor = KeyserverReflection.Descriptor.EnumTypes.Single(e => e.Name == enumName);
        var names = new string[descriptor.Values.Max(v => v.Number) + 1];
        foreach (EnumValueDescriptor value in descriptor.Values)
        {
            names[value.Number] = value.Name;
        }

        return names;
    }
}

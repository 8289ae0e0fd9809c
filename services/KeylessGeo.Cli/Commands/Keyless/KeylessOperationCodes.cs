using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary>The contract's operations as Keyless opcodes (the inverse of the keyserver's mapping).</summary>
public static class KeylessOperationCodes
{
    /// <summary>The opcode of <paramref name="operation"/>, or null when the Keyless protocol has none for it.</summary>
    public static KeylessOpcode? Of(Operation operation) => OperationOpcodes.OpcodeOf(operation);

    /// <summary>
    /// Parses <paramref name="text"/> with <see cref="OperationNames"/> and maps it to its opcode.
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown, or the operation has no Keyless opcode.</exception>
    public static (Operation Operation, KeylessOpcode Opcode) Parse(string text)
    {
        var operation = OperationNames.Parse(text) ?? throw new ArgumentException($"unknown operation '{text}'; one of: {OperationNames.All}");
        var opcode = Of(operation) ?? throw new ArgumentException($"operation {operation} has no Keyless opcode; ask for it over gRPC with `keylessgeo sign`.");
        return (operation, opcode);
    }
}

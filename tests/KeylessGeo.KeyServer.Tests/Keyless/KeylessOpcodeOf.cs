using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Keyless;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>The Keyless opcode of a contract operation (the inverse of the listener's mapping).</summary>
internal static class KeylessOpcodeOf
{
    public static KeylessOpcode Operation(Operation operation)
    {
        for (var value = 0; value < 256; value++)
        {
            if (KeylessOperations.ToOperation((KeylessOpcode)value) == operation)
            {
                return (KeylessOpcode)value;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(operation), operation, "no Keyless opcode performs this operation");
    }
}

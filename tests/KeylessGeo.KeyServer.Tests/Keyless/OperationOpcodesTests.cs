using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Keyless;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>The clients' operation-to-opcode mapping (CLI, LoadGen) agrees with the listener's opcode-to-operation mapping.</summary>
public sealed class OperationOpcodesTests
{
    [Fact]
    public void Every_operation_has_an_opcode_the_listener_maps_back_to_it()
    {
        foreach (var operation in Enum.GetValues<Operation>().Where(o => o != Operation.Unspecified))
        {
            var opcode = OperationOpcodes.OpcodeOf(operation);

            Assert.True(opcode is not null, $"{operation} has no Keyless opcode");
            Assert.Equal(operation, KeylessOperations.ToOperation(opcode!.Value));
        }
    }

    [Fact]
    public void The_unspecified_operation_has_no_opcode() => Assert.Null(OperationOpcodes.OpcodeOf(Operation.Unspecified));
}

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>A request as <see cref="ProtocolFactsServer"/> read it off the wire.</summary>
/// <param name="Connection">The server-side connection number (1, 2, …).</param>
/// <param name="Id">The request id from the header.</param>
/// <param name="Length">The whole message length, header included.</param>
/// <param name="Items">Every item, in wire order.</param>
internal sealed record ReceivedRequest(int Connection, uint Id, int Length, IReadOnlyList<(byte Tag, byte[] Data)> Items)
{
    /// <summary>The opcode item's byte (0 when absent).</summary>
    public byte Opcode => Item(FactsWire.TagOpcode) is [var op] ? op : (byte)0;

    /// <summary>The payload item (empty when absent).</summary>
    public byte[] Payload => Item(FactsWire.TagPayload) ?? [];

    /// <summary>The data of the first item with <paramref name="tag"/>, or null.</summary>
    public byte[]? Item(byte tag)
    {
        foreach (var (itemTag, data) in Items)
        {
            if (itemTag == tag)
            {
                return data;
            }
        }

        return null;
    }
}

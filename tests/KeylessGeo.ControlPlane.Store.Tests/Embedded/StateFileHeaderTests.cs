using System.Text;
using KeylessGeo.ControlPlane.Store.Embedded;

namespace KeylessGeo.ControlPlane.Store.Tests.Embedded;

public sealed class StateFileHeaderTests
{
    [Theory]
    [InlineData("{\"format\":1,\"revision\":123,\"snapshot\":{", 123)]
    [InlineData("{\"revision\":0,", 0)]
    [InlineData("{\"format\":1,\"revision\":9223372036854775807,\"sn", long.MaxValue)]
    public void TryReadRevision_ReadsTheRevisionFromAPrefix(string prefix, long expected)
    {
        Assert.True(StateFileHeader.TryReadRevision(Encoding.UTF8.GetBytes(prefix), out var revision));
        Assert.Equal(expected, revision);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{\"snapshot\":{\"revision\":1}")]
    [InlineData("{\"format\":1,\"revision\":\"7\",")]
    [InlineData("{\"format\":1,\"revision\":12")]
    [InlineData("\u0000\u0001garbage")]
    public void TryReadRevision_WhenThePrefixIsNotAHeader_ReturnsFalse(string prefix)
    {
        Assert.False(StateFileHeader.TryReadRevision(Encoding.UTF8.GetBytes(prefix), out _));
    }

    [Fact]
    public void SerializedState_StartsWithAHeader()
    {
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(EmbeddedState.Empty with { Revision = 42, Snapshot = EmbeddedState.Empty.Snapshot with { Revision = 42 } }, EmbeddedJsonContext.Default.EmbeddedState);

        Assert.True(StateFileHeader.TryReadRevision(json.AsSpan(0, StateFileHeader.MaxLength), out var revision));
        Assert.Equal(42, revision);
    }
}

using KeylessGeo.Testing;

namespace KeylessGeo.Interop.Tests;

/// <summary>Direction (a): Python grpcio client → our Kestrel server over mutual TLS.</summary>
public sealed class PythonClientToOurServerTests(PythonClientFixture fixture) : IClassFixture<PythonClientFixture>
{
    [Fact]
    public void Unary_ReturnsReversedPayload_AndServerSawPythonsCertificate()
    {
        var unary = fixture.Report.GetProperty("unary");
        Assert.Equal(1, unary.GetProperty("id").GetInt32());
        Assert.Equal("030201", unary.GetProperty("result").GetString());
        Assert.Equal(TestTlsMaterial.ClientIdentity, unary.GetProperty("served_by").GetString());
        Assert.Equal("KEY_NOT_FOUND", fixture.Report.GetProperty("unknown_key").GetString());
    }

    [Fact]
    public void BidiStream_AnswersEveryIdExactlyOnce()
    {
        var stream = fixture.Report.GetProperty("stream");
        Assert.Equal(500, stream.GetProperty("count").GetInt32());
        Assert.Equal(500, stream.GetProperty("unique").GetInt32());
        Assert.Equal(500, stream.GetProperty("correct").GetInt32());
    }

    [Fact]
    public async Task Deadline_IsDeadlineExceeded_AndTheHandlerWasCancelled()
    {
        Assert.Equal("DEADLINE_EXCEEDED", fixture.Report.GetProperty("deadline").GetString());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await fixture.Service.HandlerCancelled.Task.WaitAsync(timeout.Token);
    }

    [Fact]
    public void UnknownMethod_IsUnimplemented()
    {
        Assert.Equal("UNIMPLEMENTED", fixture.Report.GetProperty("unimplemented").GetString());
    }

    [Fact]
    public void OversizeMessage_IsResourceExhausted()
    {
        Assert.Equal("RESOURCE_EXHAUSTED", fixture.Report.GetProperty("oversize").GetString());
    }

    [Fact]
    public void StatusDetail_WithNonAsciiAndPercent_IsDecodedByGrpcio()
    {
        var error = fixture.Report.GetProperty("rpc_error");
        Assert.Equal("FAILED_PRECONDITION", error.GetProperty("code").GetString());
        Assert.Equal(FakeKeyServer.RpcErrorDetail, error.GetProperty("details").GetString());
    }

    [Fact]
    public void Metadata_AsciiAndBinary_IsEchoedInHeadersAndTrailers()
    {
        var metadata = fixture.Report.GetProperty("metadata");
        Assert.Equal("hello interop", metadata.GetProperty("header_text").GetString());
        Assert.Equal("0001feff", metadata.GetProperty("header_bin").GetString());
        Assert.Equal("hello interop", metadata.GetProperty("trailer_text").GetString());
        Assert.Equal("0001feff", metadata.GetProperty("trailer_bin").GetString());
    }

    [Fact]
    public void MutualTls_RejectsPythonClientsWithoutATrustedCertificate()
    {
        Assert.Equal("UNAVAILABLE", fixture.Report.GetProperty("no_client_cert").GetString());
        Assert.Equal("UNAVAILABLE", fixture.Report.GetProperty("other_ca_cert").GetString());
    }

    [Fact]
    public void Server_LoggedNoErrors()
    {
        Assert.Empty(fixture.ServerErrors);
    }
}

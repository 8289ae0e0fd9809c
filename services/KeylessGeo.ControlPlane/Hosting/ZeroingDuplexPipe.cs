using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>A connection transport whose input is a <see cref="ZeroingPipeReader"/>.</summary>
internal sealed class ZeroingDuplexPipe : IDuplexPipe
{
    private ZeroingDuplexPipe(IDuplexPipe inner)
    {
        Input = new ZeroingPipeReader(inner.Input);
        Output = inner.Output;
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Connection middleware that wraps the transport (after TLS, so the plaintext is what gets zeroed).</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware { get; } = next => connection =>
    {
        connection.Transport = new ZeroingDuplexPipe(connection.Transport);
        return next(connection);
    };
}

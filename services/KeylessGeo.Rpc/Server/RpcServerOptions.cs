using KeylessGeo.Rpc.Framing;

namespace KeylessGeo.Rpc.Server;

/// <summary>Server-side limits and behaviour of the RPC layer.</summary>
public sealed class RpcServerOptions
{
    /// <summary>The largest request message accepted, in bytes; larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcFrame.DefaultMaxMessageSize;

    /// <summary>The largest response message sent, in bytes; larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; set; } = GrpcFrame.DefaultMaxMessageSize;

    /// <summary>When true, exception text from handlers reaches clients in <c>grpc-message</c>. Off by default.</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>How many responses a streaming call may queue before writers wait.</summary>
    public int ResponseQueueCapacity { get; set; } = 1024;

    /// <summary>How many queued responses are written before the writer flushes.</summary>
    public int MaxMessagesPerFlush { get; set; } = 256;
}

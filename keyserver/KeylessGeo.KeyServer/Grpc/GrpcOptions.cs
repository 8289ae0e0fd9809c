namespace KeylessGeo.KeyServer.Grpc;

/// <summary>The gRPC service's limits and options (configuration section <c>Grpc</c>).</summary>
public sealed record GrpcOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Grpc";

    /// <summary>The largest request message accepted, in bytes; larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; init; } = 64 * 1024;

    /// <summary>The largest response message sent, in bytes.</summary>
    public int MaxSendMessageSize { get; init; } = 64 * 1024;

    /// <summary>How many responses one <c>SignStream</c> may queue for its writer before it stops reading requests.</summary>
    public int ResponseQueueCapacity { get; init; } = 1024;

    /// <summary>Serve <c>grpc.reflection.v1</c> (service discovery for tools such as grpcurl). Off by default.</summary>
    public bool EnableReflection { get; init; }

    /// <summary>Send exception text to clients in status details. Off by default: it may reveal internals.</summary>
    public bool EnableDetailedErrors { get; init; }
}

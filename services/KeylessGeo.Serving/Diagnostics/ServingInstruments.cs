namespace KeylessGeo.Serving.Diagnostics;

/// <summary>Names of the listeners' instruments and tags (on the host's <see cref="ServingMeter"/>).</summary>
public static class ServingInstruments
{
    /// <summary>Up-down counter of open Keyless protocol connections (after the TLS handshake, if any).</summary>
    public const string KeylessConnections = "keylessgeo.keyless.connections";

    /// <summary>Counter of Keyless protocol requests answered, tagged by opcode and wire error.</summary>
    public const string KeylessRequests = "keylessgeo.keyless.requests";

    /// <summary>Counter of Keyless connections closed by a framing error, tagged by the wire error answered.</summary>
    public const string KeylessFramingErrors = "keylessgeo.keyless.framing_errors";

    /// <summary>Counter of Keyless connections the listener closed to enforce a limit, tagged by <see cref="KeylessLimitTag"/>.</summary>
    public const string KeylessEnforcedCloses = "keylessgeo.keyless.enforced_closes";

    /// <summary>Counter of connections refused by a connection limit, tagged by <see cref="EndpointTag"/> and <see cref="ConnectionLimitTag"/>.</summary>
    public const string ConnectionsRefused = "keylessgeo.connections.refused";

    /// <summary>Gauge (bytes): responses queued and not yet written to their sockets, across connections (the response budget in use).</summary>
    public const string QueuedResponseBytes = "keylessgeo.connections.queued_response_bytes";

    /// <summary>Gauge: connections the process may hold open before it refuses new ones to keep file descriptors in reserve.</summary>
    public const string DescriptorBudget = "keylessgeo.connections.descriptor_budget";

    /// <summary>Gauge: connections counted against <see cref="DescriptorBudget"/> now.</summary>
    public const string DescriptorBudgetUsed = "keylessgeo.connections.descriptor_budget.used";

    /// <summary>Counter of <c>SignStream</c> calls the server reset to enforce a limit, tagged by <see cref="GrpcLimitTag"/>.</summary>
    public const string GrpcEnforcedResets = "keylessgeo.grpc.enforced_resets";

    /// <summary>Tag: the limit a gRPC call was reset for: "response_budget".</summary>
    public const string GrpcLimitTag = "keylessgeo.grpc.limit";

    /// <summary>Tag: the endpoint a connection came to ("keyless", "keyless-unix", "grpc", "grpc-plaintext", "grpc-unix").</summary>
    public const string EndpointTag = "keylessgeo.endpoint";

    /// <summary>Tag: the limit that refused a connection: "descriptors", "endpoint" or "client".</summary>
    public const string ConnectionLimitTag = "keylessgeo.connection.limit";

    /// <summary>Tag: the limit a Keyless connection was closed for: "idle_timeout", "partial_message_timeout" or "response_budget".</summary>
    public const string KeylessLimitTag = "keylessgeo.keyless.limit";

    /// <summary>Tag: the Keyless opcode ("ECDSA_SIGN_SHA256", "PING" …; "UNKNOWN" for undefined values, "NONE" when missing).</summary>
    public const string KeylessOpcodeTag = "keylessgeo.keyless.opcode";

    /// <summary>Tag: the Keyless wire error ("KEY_NOT_FOUND" …), "OK" on success.</summary>
    public const string KeylessErrorTag = "keylessgeo.keyless.error";
}

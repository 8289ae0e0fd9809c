namespace KeylessGeo.KeyServer.Diagnostics;

/// <summary>Names of the keyserver's meter, instruments and tags.</summary>
public static class KeyServerInstruments
{
    /// <summary>The meter every keyserver-core instrument belongs to.</summary>
    public const string MeterName = "KeylessGeo.KeyServer";

    /// <summary>Counter of finished requests, tagged by operation, key algorithm and error code.</summary>
    public const string Operations = "keylessgeo.keyserver.operations";

    /// <summary>Histogram (seconds) from SignAsync to the response, tagged like <see cref="Operations"/>.</summary>
    public const string OperationDuration = "keylessgeo.keyserver.operation.duration";

    /// <summary>Histogram (seconds) a request waited for a worker, tagged by key algorithm.</summary>
    public const string QueueWait = "keylessgeo.keyserver.queue.wait";

    /// <summary>Counter of key directory reloads, tagged by <see cref="ReloadResultTag"/>.</summary>
    public const string KeyReloads = "keylessgeo.keyserver.keys.reloads";

    /// <summary>Tag: how a key directory reload went: "ok", "refused" (some files not served), "unreadable" (last good set kept) or "failed".</summary>
    public const string ReloadResultTag = "keylessgeo.reload.result";

    /// <summary>Gauge of managed keys in this datacenter, tagged by <see cref="KeyStateTag"/>.</summary>
    public const string ManagedKeys = "keylessgeo.keyserver.cluster.managed_keys";

    /// <summary>Gauge: the control-plane store revision whose managed keys are in force.</summary>
    public const string AppliedRevision = "keylessgeo.keyserver.cluster.applied_revision";

    /// <summary>Gauge (Unix seconds): when the change feed last read the store successfully.</summary>
    public const string FeedLastUpdate = "keylessgeo.keyserver.cluster.feed.last_update";

    /// <summary>Counter of failed store calls, tagged by <see cref="ClusterOperationTag"/>.</summary>
    public const string StoreFailures = "keylessgeo.keyserver.cluster.store.failures";

    /// <summary>Counter of loaded managed private keys dropped because the key was denied, removed or changed.</summary>
    public const string ManagedKeyEvictions = "keylessgeo.keyserver.cluster.evictions";

    /// <summary>Tag: a managed key's state here, "servable", "denied" or "unavailable".</summary>
    public const string KeyStateTag = "keylessgeo.key.state";

    /// <summary>Tag: the cluster operation that used the store, "feed", "lease" or "register".</summary>
    public const string ClusterOperationTag = "keylessgeo.cluster.operation";

    /// <summary>Tag: the operation (contract enum name).</summary>
    public const string OperationTag = "keylessgeo.operation";

    /// <summary>Tag: the key algorithm ("rsa2048", "ecdsa-p256" …), or "unknown" before lookup.</summary>
    public const string AlgorithmTag = "keylessgeo.key.algorithm";

    /// <summary>Tag: the error code, "OK" on success.</summary>
    public const string ErrorCodeTag = "keylessgeo.error.code";

    /// <summary>Up-down counter of open Keyless protocol connections (after the TLS handshake).</summary>
    public const string KeylessConnections = "keylessgeo.keyserver.keyless.connections";

    /// <summary>Counter of Keyless protocol requests answered, tagged by opcode and wire error.</summary>
    public const string KeylessRequests = "keylessgeo.keyserver.keyless.requests";

    /// <summary>Counter of Keyless connections closed by a framing error, tagged by the wire error answered.</summary>
    public const string KeylessFramingErrors = "keylessgeo.keyserver.keyless.framing_errors";

    /// <summary>Counter of Keyless connections the listener closed to enforce a limit, tagged by <see cref="KeylessLimitTag"/>.</summary>
    public const string KeylessEnforcedCloses = "keylessgeo.keyserver.keyless.enforced_closes";

    /// <summary>Counter of connections refused by a connection limit, tagged by <see cref="EndpointTag"/> and <see cref="ConnectionLimitTag"/>.</summary>
    public const string ConnectionsRefused = "keylessgeo.keyserver.connections.refused";

    /// <summary>Gauge (bytes): responses queued and not yet written to their sockets, across connections (the response budget in use).</summary>
    public const string QueuedResponseBytes = "keylessgeo.keyserver.connections.queued_response_bytes";

    /// <summary>Gauge: connections the process may hold open before it refuses new ones to keep file descriptors in reserve.</summary>
    public const string DescriptorBudget = "keylessgeo.keyserver.connections.descriptor_budget";

    /// <summary>Gauge: connections counted against <see cref="DescriptorBudget"/> now.</summary>
    public const string DescriptorBudgetUsed = "keylessgeo.keyserver.connections.descriptor_budget.used";

    /// <summary>Counter of <c>SignStream</c> calls the server reset to enforce a limit, tagged by <see cref="GrpcLimitTag"/>.</summary>
    public const string GrpcEnforcedResets = "keylessgeo.keyserver.grpc.enforced_resets";

    /// <summary>Tag: the limit a gRPC call was reset for: "response_budget".</summary>
    public const string GrpcLimitTag = "keylessgeo.grpc.limit";

    /// <summary>Tag: the endpoint a connection came to ("keyless", "grpc", "grpc-plaintext", "grpc-unix").</summary>
    public const string EndpointTag = "keylessgeo.endpoint";

    /// <summary>Tag: the limit that refused a connection: "descriptors", "endpoint" or "client".</summary>
    public const string ConnectionLimitTag = "keylessgeo.connection.limit";

    /// <summary>Tag: the limit a Keyless connection was closed for: "idle_timeout", "partial_message_timeout" or "response_budget".</summary>
    public const string KeylessLimitTag = "keylessgeo.keyless.limit";

    /// <summary>Tag: the Keyless opcode ("ECDSA_SIGN_SHA256", "PING" …; "UNKNOWN" for undefined values, "NONE" when missing).</summary>
    public const string KeylessOpcodeTag = "keylessgeo.keyless.opcode";

    /// <summary>Tag: the Keyless wire error ("KEY_NOT_FOUND" …), "OK" on success.</summary>
    public const string KeylessErrorTag = "keylessgeo.keyless.error";

    /// <summary>Counter of requests for keys this datacenter may not hold, tagged by <see cref="RoutePathTag"/> and <see cref="ErrorCodeTag"/>.</summary>
    public const string Routed = "keylessgeo.keyserver.cluster.routed";

    /// <summary>Gauge: key grains activated on this silo.</summary>
    public const string KeyGrainActivations = "keylessgeo.keyserver.cluster.key_grains";

    /// <summary>Gauge: requests running on an admission worker now.</summary>
    public const string AdmissionInFlight = "keylessgeo.keyserver.admission.in_flight";

    /// <summary>Gauge: requests waiting for an admission worker now.</summary>
    public const string AdmissionQueued = "keylessgeo.keyserver.admission.queued";

    /// <summary>Gauge: admission workers (the concurrency limit, <c>KeyServer:Admission:Workers</c>).</summary>
    public const string AdmissionWorkers = "keylessgeo.keyserver.admission.workers";

    /// <summary>Gauge: the most requests that may wait for a worker (<c>KeyServer:Admission:QueueLimit</c>).</summary>
    public const string AdmissionQueueLimit = "keylessgeo.keyserver.admission.queue_limit";

    /// <summary>Gauge: keys served (the key directory's plus the managed keys in force).</summary>
    public const string Keys = "keylessgeo.keyserver.keys";

    /// <summary>Gauge: private keys loaded in memory now (the private-key cache).</summary>
    public const string LoadedPrivateKeys = "keylessgeo.keyserver.keys.loaded";

    /// <summary>Tag: how a request for a key not permitted here went ("region" to the key's grain, "remote" to another region, "refused").</summary>
    public const string RoutePathTag = "keylessgeo.route";
}

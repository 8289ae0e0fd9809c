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

    /// <summary>Counter of revisions the change feed applied, tagged by <see cref="FeedModeTag"/>.</summary>
    public const string FeedApplied = "keylessgeo.keyserver.cluster.feed.applied";

    /// <summary>Counter of failed store calls, tagged by <see cref="ClusterOperationTag"/>.</summary>
    public const string StoreFailures = "keylessgeo.keyserver.cluster.store.failures";

    /// <summary>Counter of loaded managed private keys dropped because the key was denied, removed or changed.</summary>
    public const string ManagedKeyEvictions = "keylessgeo.keyserver.cluster.evictions";

    /// <summary>Tag: a managed key's state here, "servable", "denied" or "unavailable".</summary>
    public const string KeyStateTag = "keylessgeo.key.state";

    /// <summary>Tag: how the feed applied a revision, "delta" (the changed records) or "snapshot" (a whole re-read).</summary>
    public const string FeedModeTag = "keylessgeo.cluster.feed.mode";

    /// <summary>Tag: the cluster operation that used the store, "feed", "lease" or "register".</summary>
    public const string ClusterOperationTag = "keylessgeo.cluster.operation";

    /// <summary>Tag: the operation (contract enum name).</summary>
    public const string OperationTag = "keylessgeo.operation";

    /// <summary>Tag: the key algorithm ("rsa2048", "ecdsa-p256" …), or "unknown" before lookup.</summary>
    public const string AlgorithmTag = "keylessgeo.key.algorithm";

    /// <summary>Tag: the error code, "OK" on success.</summary>
    public const string ErrorCodeTag = "keylessgeo.error.code";

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

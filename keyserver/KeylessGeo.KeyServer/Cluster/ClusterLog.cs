using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Every log message of cluster membership and managed keys, with stable event ids (100–199).
/// Messages name keys, policies, datacenters, revisions and public-key fingerprints, never key
/// material.
/// </summary>
internal static partial class ClusterLog
{
    [LoggerMessage(100, LogLevel.Information, "Generated this datacenter's wrapping key {Path} (fingerprint {Fingerprint})", EventName = "WrappingKeyCreated")]
    public static partial void WrappingKeyCreated(ILogger logger, string path, string fingerprint);

    [LoggerMessage(101, LogLevel.Information, "Loaded this datacenter's wrapping key {Path} (fingerprint {Fingerprint})", EventName = "WrappingKeyLoaded")]
    public static partial void WrappingKeyLoaded(ILogger logger, string path, string fingerprint);

    [LoggerMessage(102, LogLevel.Information, "Registered wrapping key {Fingerprint} for datacenter {Datacenter} in the control-plane store at revision {Revision}", EventName = "WrappingKeyRegistered")]
    public static partial void WrappingKeyRegistered(ILogger logger, string fingerprint, string datacenter, long revision);

    [LoggerMessage(103, LogLevel.Debug, "The control-plane store already holds this keyserver's wrapping key {Fingerprint} for datacenter {Datacenter}", EventName = "WrappingKeyAlreadyRegistered")]
    public static partial void WrappingKeyAlreadyRegistered(ILogger logger, string fingerprint, string datacenter);

    [LoggerMessage(104, LogLevel.Error, "The control-plane store holds wrapping key {RegisteredFingerprint} for datacenter {Datacenter}, but this keyserver's key file {Path} holds {LocalFingerprint}. This keyserver cannot open managed keys wrapped for the registered key until an operator fixes it: give every keyserver of {Datacenter} the registered key file, or register this key for {Datacenter} and re-wrap its policies", EventName = "WrappingKeyConflict")]
    public static partial void WrappingKeyConflict(ILogger logger, string registeredFingerprint, string datacenter, string path, string localFingerprint);

    [LoggerMessage(105, LogLevel.Warning, "The control-plane store holds no wrapping key for datacenter {Datacenter} and Cluster:RegisterWrappingKey is off: no policy can be wrapped to this datacenter until an operator registers key {Fingerprint}", EventName = "WrappingKeyNotRegistered")]
    public static partial void WrappingKeyNotRegistered(ILogger logger, string datacenter, string fingerprint);

    [LoggerMessage(106, LogLevel.Warning, "The control-plane store ({StoreKind}) failed during {Operation}; retrying in {RetryDelay}", EventName = "StoreFailed")]
    public static partial void StoreFailed(ILogger logger, string storeKind, string operation, TimeSpan retryDelay, Exception exception);

    [LoggerMessage(107, LogLevel.Error, "Unexpected failure during {Operation}; retrying in {RetryDelay}", EventName = "ClusterOperationFailed")]
    public static partial void ClusterOperationFailed(ILogger logger, string operation, TimeSpan retryDelay, Exception exception);

    [LoggerMessage(108, LogLevel.Information, "The control-plane store answers again after {Failures} failed attempts", EventName = "StoreRecovered")]
    public static partial void StoreRecovered(ILogger logger, int failures);

    [LoggerMessage(109, LogLevel.Warning, "No snapshot of the control-plane store within {Timeout}: serving without managed keys for now (lookups that match no key file answer INTERNAL until the first snapshot arrives)", EventName = "InitialSnapshotTimedOut")]
    public static partial void InitialSnapshotTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(110, LogLevel.Information, "Applied control-plane revision {Revision}: {Servable} managed keys servable, {Denied} denied, {Unavailable} unavailable in datacenter {Datacenter}", EventName = "RevisionApplied")]
    public static partial void RevisionApplied(ILogger logger, long revision, int servable, int denied, int unavailable, string datacenter);

    [LoggerMessage(111, LogLevel.Warning, "The control-plane store went back from revision {AppliedRevision} to {Revision} (restored?): applying its snapshot", EventName = "RevisionWentBack")]
    public static partial void RevisionWentBack(ILogger logger, long appliedRevision, long revision);

    [LoggerMessage(112, LogLevel.Information, "Managed key {KeyId} version {Version} is servable in datacenter {Datacenter}: {Reason}", EventName = "ManagedKeyServable")]
    public static partial void ManagedKeyServable(ILogger logger, string keyId, int version, string datacenter, string reason);

    [LoggerMessage(113, LogLevel.Information, "Managed key {KeyId} version {Version} is denied in datacenter {Datacenter}: {Reason}", EventName = "ManagedKeyDenied")]
    public static partial void ManagedKeyDenied(ILogger logger, string keyId, int version, string datacenter, string reason);

    [LoggerMessage(114, LogLevel.Error, "Managed key {KeyId} version {Version} cannot be served in datacenter {Datacenter}: {Reason}", EventName = "ManagedKeyUnavailable")]
    public static partial void ManagedKeyUnavailable(ILogger logger, string keyId, int version, string datacenter, string reason);

    [LoggerMessage(115, LogLevel.Information, "Managed key {KeyId} changed (version {OldVersion} -> {Version}, policy key generation {OldGeneration} -> {Generation}) and stays servable in datacenter {Datacenter}", EventName = "ManagedKeyChanged")]
    public static partial void ManagedKeyChanged(ILogger logger, string keyId, int oldVersion, int version, int oldGeneration, int generation, string datacenter);

    [LoggerMessage(116, LogLevel.Debug, "Managed key {KeyId} stays refused in datacenter {Datacenter}: {Reason}", EventName = "ManagedKeyStillRefused")]
    public static partial void ManagedKeyStillRefused(ILogger logger, string keyId, string datacenter, string reason);

    [LoggerMessage(117, LogLevel.Information, "Managed key {KeyId} was removed from the control plane: lookups in datacenter {Datacenter} answer KEY_NOT_FOUND", EventName = "ManagedKeyRemoved")]
    public static partial void ManagedKeyRemoved(ILogger logger, string keyId, string datacenter);

    [LoggerMessage(118, LogLevel.Information, "Evicted the loaded private key of managed key {KeyId} at revision {Revision}: {Why}", EventName = "ManagedKeyEvicted")]
    public static partial void ManagedKeyEvicted(ILogger logger, string keyId, long revision, string why);

    [LoggerMessage(119, LogLevel.Error, "Policy {PolicyId} v{PolicyVersion} lists datacenter {Datacenter} as permitted, but its text does not permit it ({Explanation}): its keys are refused here. The control-plane store may have been altered", EventName = "PolicyListIgnored")]
    public static partial void PolicyListIgnored(ILogger logger, string policyId, long policyVersion, string datacenter, string explanation);

    [LoggerMessage(120, LogLevel.Warning, "Policy {PolicyId} v{PolicyVersion} permits datacenter {Datacenter} but holds no policy key wrapped to it yet: its keys cannot be opened here until the control plane wraps one (a running control plane does so when it sees this datacenter's key registered; by hand: keylessgeo dc register-key, or PUT /v1/datacenters/{Datacenter}/wrapping-key)", EventName = "PolicyCopyMissing")]
    public static partial void PolicyCopyMissing(ILogger logger, string policyId, long policyVersion, string datacenter);

    [LoggerMessage(121, LogLevel.Warning, "Policy {PolicyId} v{PolicyVersion} holds a policy key wrapped to datacenter {Datacenter} but does not list it as permitted: the copy is ignored and its keys are refused here", EventName = "PolicyCopyNotListed")]
    public static partial void PolicyCopyNotListed(ILogger logger, string policyId, long policyVersion, string datacenter);

    [LoggerMessage(122, LogLevel.Error, "The topology in the control-plane store at revision {Revision} is invalid, so no policy can be evaluated and every managed key is refused here: {Problem}", EventName = "TopologyInvalid")]
    public static partial void TopologyInvalid(ILogger logger, long revision, string problem);

    [LoggerMessage(123, LogLevel.Warning, "Datacenter {Datacenter} is not in the control-plane topology (revision {Revision}): no policy permits it, every managed key is refused here", EventName = "DatacenterNotInTopology")]
    public static partial void DatacenterNotInTopology(ILogger logger, string datacenter, long revision);

    [LoggerMessage(124, LogLevel.Debug, "Renewed lease of keyserver {KeyserverId} until {ExpiresAt} (applied revision {AppliedRevision})", EventName = "LeaseRenewed")]
    public static partial void LeaseRenewed(ILogger logger, string keyserverId, DateTimeOffset expiresAt, long appliedRevision);

    [LoggerMessage(125, LogLevel.Information, "Removed the lease of keyserver {KeyserverId}", EventName = "LeaseRemoved")]
    public static partial void LeaseRemoved(ILogger logger, string keyserverId);

    [LoggerMessage(126, LogLevel.Warning, "Could not remove the lease of keyserver {KeyserverId} on shutdown; it expires by itself", EventName = "LeaseRemoveFailed")]
    public static partial void LeaseRemoveFailed(ILogger logger, string keyserverId, Exception exception);

    [LoggerMessage(127, LogLevel.Information, "Cluster:AdvertisedEndpoints is empty: keyserver {KeyserverId} advertises the gRPC endpoints it binds, unless they listen on a wildcard address", EventName = "NoAdvertisedEndpoints")]
    public static partial void NoAdvertisedEndpoints(ILogger logger, string keyserverId);

    [LoggerMessage(128, LogLevel.Error, "The wrapping key registered for datacenter {Datacenter} changed to {RegisteredFingerprint}, but this keyserver holds {LocalFingerprint}: managed keys wrapped for the new key cannot be opened here", EventName = "RegisteredWrappingKeyChanged")]
    public static partial void RegisteredWrappingKeyChanged(ILogger logger, string datacenter, string registeredFingerprint, string localFingerprint);

    [LoggerMessage(129, LogLevel.Information, "Keyserver {KeyserverId} joins the cluster in datacenter {Datacenter} through the {StoreKind} control-plane store", EventName = "ClusterJoining")]
    public static partial void ClusterJoining(ILogger logger, string keyserverId, string datacenter, string storeKind);

    [LoggerMessage(130, LogLevel.Warning, "Stopped following Orleans membership changes: the advertisement's view of the cluster is refreshed only at each lease renewal from now on", EventName = "ClusterViewWatchFailed")]
    public static partial void ClusterViewWatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 131, Message = "The change feed re-reads a whole snapshot at applied revision {AppliedRevision} (store at {LatestRevision}): {Reason}", EventName = "FeedResync")]
    public static partial void FeedResync(ILogger logger, LogLevel level, long appliedRevision, long latestRevision, string reason);

    [LoggerMessage(132, LogLevel.Debug, "Applied control-plane revisions {AppliedRevision} to {Revision} as a delta of {Changes} change records: {Upserts} managed keys new or changed, {Removed} removed", EventName = "DeltaApplied")]
    public static partial void DeltaApplied(ILogger logger, long appliedRevision, long revision, int changes, int upserts, int removed);

    [LoggerMessage(133, LogLevel.Debug, "Fetched the wrapped private key of managed key {KeyId} version {Version} from the control-plane store in {Milliseconds:F1} ms", EventName = "ManagedKeyFetched")]
    public static partial void ManagedKeyFetched(ILogger logger, string keyId, int version, double milliseconds);

    [LoggerMessage(134, LogLevel.Warning, "Could not fetch managed key {KeyId} from the {StoreKind} control-plane store; the request that needed it is answered {Code}: {Reason}", EventName = "ManagedKeyFetchFailed")]
    public static partial void ManagedKeyFetchFailed(ILogger logger, string keyId, string storeKind, string code, string reason, Exception? exception);

    [LoggerMessage(135, LogLevel.Information, "Read the snapshot a page at a time: {Keys} managed keys in {Pages} pages, revisions {FirstRevision} to {LastRevision}, in {Milliseconds:F0} ms", EventName = "SnapshotPagesRead")]
    public static partial void SnapshotPagesRead(ILogger logger, int keys, int pages, long firstRevision, long lastRevision, double milliseconds);
}

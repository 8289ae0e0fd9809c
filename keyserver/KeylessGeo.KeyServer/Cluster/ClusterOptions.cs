using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Cluster.Membership;
using KeylessGeo.KeyServer.Forwarding;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Cluster membership and managed keys (section <see cref="SectionName"/>). Off by default: a
/// standalone keyserver serves its key directory only. See docs/CLUSTER.md.
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Cluster";

    /// <summary>The default of <see cref="FeedPageSize"/>: the stores' default change-feed retention.</summary>
    public const int DefaultFeedPageSize = 10_000;

    /// <summary>
    /// <c>Cluster:Store:Kind</c> for a store held in this process only, besides the store
    /// library's <c>embedded</c> and <c>postgresql</c>: for tests, which register their own
    /// <see cref="IControlPlaneStore"/> instance to share it between keyservers.
    /// </summary>
    public const string InMemoryStoreKind = "in-memory-for-tests";

    /// <summary>Join the cluster: register a lease, follow the control-plane store and serve managed keys.</summary>
    public bool Enabled { get; init; }

    /// <summary>
    /// Which control-plane store to open and where (<c>Kind</c> <c>embedded</c> with
    /// <c>DataDirectory</c>, <c>postgresql</c> with <c>ConnectionString</c>, or
    /// <see cref="InMemoryStoreKind"/>).
    /// </summary>
    public ControlPlaneStoreOptions Store { get; init; } = new();

    /// <summary>Where the Orleans membership table lives (<c>Cluster:Membership</c>: <c>Kind</c>, <c>Directory</c>, <c>ConnectionString</c>).</summary>
    public MembershipOptions Membership { get; init; } = new();

    /// <summary>True when <see cref="Store"/> names the in-process test store.</summary>
    public bool UsesInMemoryStore => string.Equals(Store?.Kind?.Trim(), InMemoryStoreKind, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// This datacenter's wrapping private key (PKCS#8 PEM, mode 0600). Generated on first start
    /// when the file does not exist; its directory must exist. Every keyserver of one datacenter
    /// must use the same key.
    /// </summary>
    public string WrappingKeyPath { get; init; } = "";

    /// <summary>
    /// On start, when the store has no wrapping key for this datacenter, register this
    /// keyserver's public wrapping key (one audited commit, actor = the keyserver id).
    /// </summary>
    public bool RegisterWrappingKey { get; init; } = true;

    /// <summary>How long a lease lives without renewal; after it the keyserver is out of routing.</summary>
    public TimeSpan LeaseTimeToLive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the lease is renewed (also renewed at once when a new revision is applied).</summary>
    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where edge agents reach this keyserver, e.g. <c>grpc://10.0.0.5:7443</c>.</summary>
    public IReadOnlyList<string> AdvertisedEndpoints { get; init; } = [];

    /// <summary>
    /// How long start-up waits for the first snapshot of managed keys before the keyserver
    /// serves without them (lookups that match no key file then answer <c>INTERNAL</c>).
    /// </summary>
    public TimeSpan InitialSnapshotTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Read the store even without a change notification at least this often, so a lost
    /// notification delays a change by at most this long.
    /// </summary>
    public TimeSpan FeedResyncInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most change records the feed applies as one delta. A keyserver further behind than
    /// this (or a single commit touching more records) re-reads a whole snapshot instead, as does
    /// one behind the store's retained change feed.
    /// </summary>
    public int FeedPageSize { get; init; } = DefaultFeedPageSize;

    /// <summary>
    /// How many managed keys one page of a snapshot read holds: a keyserver starting or re-syncing
    /// reads the snapshot a page at a time and builds its index from each page as it arrives.
    /// </summary>
    public int SnapshotPageSize { get; init; } = 10_000;

    /// <summary>
    /// How many wrapped private keys of managed keys the keyserver keeps after fetching them from
    /// the store (the index holds public facts only; a key's wrapped private key is fetched when
    /// the key is first used here). Least recently used out first.
    /// </summary>
    public int WrappedKeyCacheCount { get; init; } = 10_000;

    /// <summary>The most bytes of wrapped private keys kept (see <see cref="WrappedKeyCacheCount"/>).</summary>
    public long WrappedKeyCacheBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>The Orleans silo this keyserver hosts in cluster mode (<c>Cluster:Silo</c>).</summary>
    public Silo.SiloOptions Silo { get; init; } = new();

    /// <summary>The first retry delay after a store failure; doubled per failure up to <see cref="StoreRetryMaxDelay"/>.</summary>
    public TimeSpan StoreRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between retries of a failing store.</summary>
    public TimeSpan StoreRetryMaxDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Forwarding to keyservers of other regions (<c>Cluster:Forwarding</c>); see docs/CLUSTER-FORWARDING.md.</summary>
    public ForwardingOptions Forwarding { get; init; } = new();
}

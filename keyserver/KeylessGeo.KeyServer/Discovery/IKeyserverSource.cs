namespace KeylessGeo.KeyServer.Discovery;

/// <summary>
/// Where <see cref="KeyserverWatch"/> gets its lists from: this keyserver alone
/// (<see cref="StandaloneKeyserverSource"/>) or the cluster's advertisements
/// (<see cref="ClusterKeyserverSource"/>). Reading is synchronous and in memory (the store is read
/// by whoever already reads it), so one read serves every open stream.
/// </summary>
internal interface IKeyserverSource
{
    /// <summary>The datacenter an empty <c>WatchKeyserversRequest.datacenter</c> means: this keyserver's.</summary>
    public string OwnDatacenter { get; }

    /// <summary>Every keyserver known now, in every datacenter.</summary>
    public KnownKeyservers Read();

    /// <summary>
    /// Calls <paramref name="changed"/> whenever something the lists are built from may have
    /// changed (new advertisements read, cluster membership moved), until
    /// <paramref name="cancellationToken"/> fires; what did not change is not sent again.
    /// </summary>
    public Task WatchAsync(Action changed, CancellationToken cancellationToken);
}

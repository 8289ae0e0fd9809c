namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>
/// The placements in force on this keyserver: written by the change feed when it applies a
/// revision, read without locks by routing and by the placement director.
/// </summary>
internal sealed class KeyPlacementView
{
    private KeyPlacements _current = KeyPlacements.Empty;

    public KeyPlacements Current => Volatile.Read(ref _current);

    public void Publish(KeyPlacements placements)
    {
        ArgumentNullException.ThrowIfNull(placements);

        // Built aside until now (a re-sync filling its key map): readers see it from here on.
        placements.Seal();
        Volatile.Write(ref _current, placements);
    }
}

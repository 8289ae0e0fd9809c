namespace KeylessGeo.ControlPlane.Store.Changes;

/// <summary>A record the store holds, by kind and id (a wrapping key's id is its datacenter id), as change records name them.</summary>
/// <param name="Kind">The kind of record.</param>
/// <param name="Id">The record's id.</param>
public readonly record struct RecordId(ChangeKind Kind, string Id)
{
    /// <summary>The record <paramref name="change"/> touched.</summary>
    public static RecordId Of(ChangeRecord change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new RecordId(change.Kind, change.Id);
    }
}

namespace KeylessGeo.ControlPlane.State;

/// <summary>What <see cref="ChangePages.CatchUpAsync"/> reached: the state at the store's latest revision, or why a snapshot is needed.</summary>
/// <param name="State">The caught-up state; default when <paramref name="ResyncReason"/> is set.</param>
/// <param name="Latest">The store's latest revision as the last page reported it.</param>
/// <param name="ResyncReason">Why change pages cannot bring the state up to date, or null.</param>
internal readonly record struct CatchUp<T>(T? State, long Latest, string? ResyncReason)
{
    public static CatchUp<T> Applied(T state, long latest) => new(state, latest, null);

    public static CatchUp<T> Resync(long latest, string reason) => new(default, latest, reason);
}

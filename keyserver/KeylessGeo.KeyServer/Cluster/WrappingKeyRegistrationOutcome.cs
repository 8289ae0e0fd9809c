namespace KeylessGeo.KeyServer.Cluster;

/// <summary>What the start-up check of this datacenter's registered wrapping key found.</summary>
internal enum WrappingKeyRegistrationOutcome
{
    /// <summary>Not checked yet (or the store has not answered).</summary>
    Pending,

    /// <summary>The store had none; this keyserver registered its key.</summary>
    Registered,

    /// <summary>The store already holds this keyserver's key.</summary>
    AlreadyRegistered,

    /// <summary>The store holds a different key for this datacenter (logged as an error).</summary>
    Conflict,

    /// <summary>The store holds none and registration is disabled.</summary>
    NotRegistered,
}

namespace KeylessGeo.ControlPlane.Keyservers;

/// <summary>What the keyservers' advertisements say about one keyserver's place in its Orleans cluster.</summary>
public enum ClusterStanding
{
    /// <summary>No view of its cluster says anything newer than its own lease (no silo, or no view yet).</summary>
    Unknown,

    /// <summary>The freshest view of its cluster lists it as an active member.</summary>
    Active,

    /// <summary>A view of its cluster newer than its lease does not list it: declared dead, or not joined.</summary>
    NotInCluster,
}

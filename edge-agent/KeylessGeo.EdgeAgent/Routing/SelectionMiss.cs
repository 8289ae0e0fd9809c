namespace KeylessGeo.EdgeAgent.Routing;

/// <summary>Why no upstream was chosen.</summary>
internal enum SelectionMiss
{
    /// <summary>One was chosen.</summary>
    None,

    /// <summary>Every usable keyserver is at its in-flight bound: the answer is <c>OVERLOADED</c>, at once.</summary>
    Saturated,

    /// <summary>No keyserver is serving, reachable or untried: the answer is <c>UNAVAILABLE</c>.</summary>
    NoneAvailable,
}

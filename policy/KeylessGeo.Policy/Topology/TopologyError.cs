namespace KeylessGeo.Policy.Topology;

/// <summary>
/// One problem found in a topology: which datacenter, which field, which value, and why.
/// </summary>
/// <param name="Datacenter">The datacenter id, or <c>#index</c> when the id itself is missing.</param>
/// <param name="Field">The field name as written in JSON, e.g. <c>country</c>.</param>
/// <param name="Value">The offending value, or <see langword="null"/> when it was missing.</param>
/// <param name="Message">A human-readable description.</param>
public sealed record TopologyError(string Datacenter, string Field, string? Value, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"datacenter '{Datacenter}', field '{Field}': {Message}";
}

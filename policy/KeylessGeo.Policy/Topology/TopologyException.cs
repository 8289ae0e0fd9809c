using System.Collections.Immutable;

namespace KeylessGeo.Policy.Topology;

/// <summary>
/// Thrown when a topology cannot be loaded; carries every error found, not just the first.
/// </summary>
public sealed class TopologyException : Exception
{
    /// <summary>Creates the exception from the full list of errors.</summary>
    public TopologyException(IReadOnlyList<TopologyError> errors)
        : base(FormatMessage(errors))
    {
        Errors = [.. errors];
    }

    /// <summary>Every error found, in document order.</summary>
    public ImmutableArray<TopologyError> Errors { get; }

    private static string FormatMessage(IReadOnlyList<TopologyError> errors) =>
        $"invalid topology ({errors.Count} error(s)):{Environment.NewLine}"
        + string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}

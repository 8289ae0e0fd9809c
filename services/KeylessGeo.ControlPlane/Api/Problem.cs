using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>An RFC 7807 problem (<c>application/problem+json</c>) with the per-field errors.</summary>
public sealed record Problem
{
    /// <summary><c>urn:keylessgeo:problem:CODE</c>.</summary>
    public required string Type { get; init; }

    public required string Title { get; init; }

    public required int Status { get; init; }

    public required string Detail { get; init; }

    /// <summary>The stable error code (the last part of <see cref="Type"/>).</summary>
    public required string Code { get; init; }

    public ImmutableArray<ProblemError> Errors { get; init; } = [];
}

using System.Collections.Immutable;
using System.Text.Json.Serialization;
using KeylessGeo.ControlPlane.Operations;

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

    /// <summary>The limit a refused change would have crossed: the setting, its value, the current count and what was asked.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LimitExceeded? Limit { get; init; }
}

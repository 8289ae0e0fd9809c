using System.Text.Json;
using KeylessGeo.ControlPlane.Policies;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>The body of <c>POST /v1/policies</c> and <c>PUT /v1/policies/{id}</c>.</summary>
public sealed record PolicyBody
{
    /// <summary>The policy id (required on create; on update optional, and must match the path).</summary>
    public string? Id { get; init; }

    /// <summary>The policy language form.</summary>
    public string? Text { get; init; }

    /// <summary>The JSON form, as a JSON value (e.g. <c>{"region":"EU"}</c>).</summary>
    public JsonElement? Json { get; init; }

    public string? Comment { get; init; }

    public bool Force { get; init; }

    /// <summary>The policy input of this body.</summary>
    public PolicyInput Input => new() { Text = Text, Json = Json?.GetRawText() };
}

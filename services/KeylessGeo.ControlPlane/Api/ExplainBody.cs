using System.Text.Json;
using KeylessGeo.ControlPlane.Policies;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>The body of <c>POST /v1/policies/explain</c>.</summary>
public sealed record ExplainBody
{
    public string? Text { get; init; }

    public JsonElement? Json { get; init; }

    /// <summary>An existing policy to show the change from.</summary>
    public string? PolicyId { get; init; }

    public bool Force { get; init; }

    /// <summary>The request for the service layer.</summary>
    public ExplainPolicyRequest ToRequest() => new()
    {
        Policy = new PolicyInput { Text = Text, Json = Json?.GetRawText() },
        PolicyId = PolicyId,
        Force = Force,
    };
}

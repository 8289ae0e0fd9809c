namespace KeylessGeo.ControlPlane.Api;

/// <summary>The body of <c>PUT /v1/keys/{id}/policy</c>.</summary>
public sealed record AttachBody
{
    /// <summary>The policy to attach the key to.</summary>
    public string? Policy { get; init; }
}

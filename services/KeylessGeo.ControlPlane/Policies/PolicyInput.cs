namespace KeylessGeo.ControlPlane.Policies;

/// <summary>A policy as the operator wrote it: exactly one of the text form or the JSON form.</summary>
public sealed record PolicyInput
{
    /// <summary>The text form, e.g. <c>region: EU and not country: FR</c>.</summary>
    public string? Text { get; init; }

    /// <summary>The JSON form, e.g. <c>{"and":[{"region":"EU"},{"not":{"country":"FR"}}]}</c>.</summary>
    public string? Json { get; init; }

    /// <summary>A policy in the text form.</summary>
    public static PolicyInput FromText(string text) => new() { Text = text };

    /// <summary>A policy in the JSON form.</summary>
    public static PolicyInput FromJson(string json) => new() { Json = json };
}

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// One parsed RFC 7512 <c>pkcs11:</c> URI: which tokens and private-key objects it selects, the
/// module that reaches them and where the PIN comes from. <see cref="ToString"/> never shows a PIN.
/// </summary>
internal sealed record Pkcs11Uri
{
    /// <summary>The URI as configured, with any <c>pin-value</c> replaced by <c>***</c>.</summary>
    public required string Display { get; init; }

    /// <summary>CKA_LABEL of the token (<c>token=</c>); null matches any.</summary>
    public string? Token { get; init; }

    /// <summary>The token's manufacturer id (<c>manufacturer=</c>); null matches any.</summary>
    public string? Manufacturer { get; init; }

    /// <summary>The token's serial number (<c>serial=</c>); null matches any.</summary>
    public string? Serial { get; init; }

    /// <summary>The token's model (<c>model=</c>); null matches any.</summary>
    public string? Model { get; init; }

    /// <summary>CKA_LABEL of the key object (<c>object=</c>); null matches any.</summary>
    public string? Object { get; init; }

    /// <summary>CKA_ID of the key object (<c>id=</c>, percent-decoded bytes); null matches any.</summary>
    public byte[]? Id { get; init; }

    /// <summary>The absolute path of the PKCS#11 module (from <c>module-path</c>, or <c>module-name</c> resolved).</summary>
    public required string ModulePath { get; init; }

    /// <summary>Where the user PIN comes from; null logs in without a PIN (objects must be public then).</summary>
    public Pkcs11PinSource? Pin { get; init; }

    /// <summary>True when <paramref name="label"/>, <paramref name="manufacturer"/>, <paramref name="serial"/> and <paramref name="model"/> satisfy every token attribute of the URI.</summary>
    public bool MatchesToken(string label, string manufacturer, string serial, string model) =>
        (Token is null || Token == label) &&
        (Manufacturer is null || Manufacturer == manufacturer) &&
        (Serial is null || Serial == serial) &&
        (Model is null || Model == model);

    /// <inheritdoc />
    public override string ToString() => Display;
}

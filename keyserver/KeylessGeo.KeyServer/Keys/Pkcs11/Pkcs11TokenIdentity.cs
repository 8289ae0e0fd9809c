using Net.Pkcs11Interop.HighLevelAPI;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// Which token this is, independent of the slot it sits in: a removed and re-inserted token may
/// come back in another slot, and is found again by these fields.
/// </summary>
/// <param name="ModulePath">The module reaching the token.</param>
/// <param name="Label">CKA token label.</param>
/// <param name="Manufacturer">Token manufacturer id.</param>
/// <param name="Serial">Token serial number.</param>
/// <param name="Model">Token model.</param>
internal sealed record Pkcs11TokenIdentity(string ModulePath, string Label, string Manufacturer, string Serial, string Model)
{
    /// <summary>The identity of the token described by <paramref name="info"/>.</summary>
    public static Pkcs11TokenIdentity Of(string modulePath, ITokenInfo info) =>
        new(modulePath, info.Label ?? "", info.ManufacturerId ?? "", info.SerialNumber ?? "", info.Model ?? "");

    /// <summary>True when <paramref name="info"/> describes this token.</summary>
    public bool Matches(ITokenInfo info) =>
        Label == (info.Label ?? "") && Manufacturer == (info.ManufacturerId ?? "") && Serial == (info.SerialNumber ?? "") && Model == (info.Model ?? "");

    /// <inheritdoc />
    public override string ToString() => $"token '{Label}' (serial {Serial}, module {ModulePath})";
}

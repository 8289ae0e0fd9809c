namespace KeylessGeo.Placement.Secrets;

/// <summary>
/// An EC private key as read from SEC1 or PKCS#8 DER: slices of the caller's buffer, never
/// copies, so the caller's zeroing of that buffer covers them.
/// </summary>
/// <param name="CurveOid">The named curve, from the PKCS#8 algorithm parameters or the SEC1 <c>[0]</c> field; null when neither names one.</param>
/// <param name="PrivateScalar">The private scalar, big-endian, as encoded (possibly without leading zeros).</param>
/// <param name="PublicPoint">The SEC1 <c>[1]</c> public point (uncompressed or compressed), or empty when absent.</param>
public readonly record struct EcPrivateKeyParts(string? CurveOid, ReadOnlyMemory<byte> PrivateScalar, ReadOnlyMemory<byte> PublicPoint)
{
    /// <inheritdoc />
    public override string ToString() => $"EC private key on {CurveOid ?? "an unnamed curve"} (secret)";
}

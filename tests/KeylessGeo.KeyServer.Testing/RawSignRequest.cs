using Google.Protobuf;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Testing;

/// <summary>
/// A request message sent as given bytes, so a test can put a serialized
/// <see cref="SignRequest"/> and a malformed one on the same call (see <see cref="RawKeyServerMethods"/>).
/// </summary>
public sealed class RawSignRequest(byte[] bytes)
{
    /// <summary>The bytes sent on the wire.</summary>
    public byte[] Bytes { get; } = bytes ?? throw new ArgumentNullException(nameof(bytes));

    /// <summary>A well-formed request.</summary>
    public static RawSignRequest Of(SignRequest request) => new(request.ToByteArray());

    /// <summary>
    /// A malformed request: field 4 (payload) announces <paramref name="announced"/> bytes but
    /// only one follows.
    /// </summary>
    public static RawSignRequest Truncated(byte announced = 5) => new([0x22, announced, 0x01]);
}

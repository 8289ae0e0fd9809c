using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Serving.Signing;

/// <summary>
/// For hosts that hold no keys (the edge agent): they cannot tell a key-type mismatch from another
/// malformed request, so every <c>BAD_REQUEST</c> keeps the Keyless protocol's generic error.
/// </summary>
public sealed class UnknownOperationSupport : IOperationSupport
{
    /// <inheritdoc />
    public bool OperationNotSupportedByKey(SignRequest request) => false;
}

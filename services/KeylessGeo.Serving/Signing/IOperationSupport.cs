using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Serving.Signing;

/// <summary>
/// Tells, for a request the signing core answered <c>BAD_REQUEST</c>, whether the cause was that
/// the key's type cannot perform the operation: the Keyless protocol reports that differently
/// from a malformed request. Asked only on that error path.
/// </summary>
public interface IOperationSupport
{
    /// <summary>True when the key the request names exists here and its type cannot perform the operation.</summary>
    public bool OperationNotSupportedByKey(SignRequest request);
}

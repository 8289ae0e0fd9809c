using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Crypto;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.Serving.Signing;

namespace KeylessGeo.KeyServer.Signing;

/// <summary>
/// Tells, for a request the core answered <c>BAD_REQUEST</c>, whether the cause was that the
/// key's type cannot perform the operation (which the Keyless protocol reports differently from
/// a malformed request). Asked only on that error path: one lock-free index lookup.
/// </summary>
internal sealed class KeyTypeSupport(KeyStore keys) : IOperationSupport
{
    public bool OperationNotSupportedByKey(SignRequest request) =>
        keys.Find(request.Key).Key is { } key &&
        OperationRules.RequiredKind(request.Operation) is { } required &&
        required != key.Kind;
}

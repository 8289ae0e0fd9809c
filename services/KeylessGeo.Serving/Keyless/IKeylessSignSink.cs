using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Serving.Keyless;

/// <summary>A connection that receives the responses its <see cref="KeylessPendingSign"/>s waited for.</summary>
internal interface IKeylessSignSink
{
    /// <summary>
    /// Called once per pending request, on the thread that completed it, with
    /// <paramref name="pending"/> free for reuse. <paramref name="response"/> is null when the core
    /// failed or the request was cancelled.
    /// </summary>
    public void OnSignCompleted(KeylessPendingSign pending, uint id, KeylessOpcode opcode, SignRequest request, SignResponse? response, int cost);
}

namespace KeylessGeo.KeyServer.Tests.Forwarding;

/// <summary>How a <see cref="FakeUpstream"/> treats a <c>Sign</c> call.</summary>
internal enum UpstreamBehaviour
{
    /// <summary>Answers with a result and its own <c>served_by</c>.</summary>
    Answer,

    /// <summary>Answers the per-request error <c>OVERLOADED</c>.</summary>
    Overloaded,

    /// <summary>Accepts the call and never answers (until the caller cancels it).</summary>
    BlackHole,

    /// <summary>Ends the call with gRPC status <c>UNAVAILABLE</c>.</summary>
    Unavailable,
}

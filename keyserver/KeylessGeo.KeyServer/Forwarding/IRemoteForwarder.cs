using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// Sends a signing request this keyserver may not serve to a keyserver of another region that
/// may (the remote path of docs/CLUSTER-FORWARDING.md): nearest permitted region first, a short
/// timeout per attempt, retries to another permitted keyserver on connection failure or timeout,
/// never past the request's deadline, and <c>OVERLOADED</c> never retried.
/// </summary>
internal interface IRemoteForwarder
{
    /// <summary>
    /// Forwards <paramref name="request"/> to a keyserver of one of <paramref name="permittedDatacenters"/>.
    /// A remote keyserver's answer (a result or any per-request error, <c>OVERLOADED</c> included)
    /// comes back unchanged, its <c>served_by</c> naming the keyserver that answered. When no
    /// attempt gets an answer the response is a per-request error made here, whose
    /// <c>served_by</c> names this keyserver: <c>DEADLINE_EXCEEDED</c> when
    /// <paramref name="deadline"/> passed, otherwise <c>UNAVAILABLE</c> with a message naming the
    /// regions and keyservers tried (or that none is known).
    /// Never throws for a per-request problem; <see cref="OperationCanceledException"/> only when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="request">The request as received; sent on unchanged (the remote echoes its id).</param>
    /// <param name="permittedDatacenters">The datacenters whose keyservers may serve the key (this keyserver's own excluded by the caller when it must not be tried).</param>
    /// <param name="deadline">When the caller stops waiting, on this keyserver's <see cref="TimeProvider"/>.</param>
    /// <param name="cancellationToken">The caller went away.</param>
    public ValueTask<SignResponse> ForwardAsync(SignRequest request, IReadOnlyCollection<string> permittedDatacenters, DateTimeOffset deadline, CancellationToken cancellationToken);
}

using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Serving.Signing;

/// <summary>
/// The keyserver's signing core, independent of any transport: the gRPC and Keyless protocol
/// listeners call it for every request.
/// </summary>
public interface ISigningService
{
    /// <summary>
    /// Performs one private-key operation. Never throws for a per-request problem: the response
    /// carries either the result or an error (code and message), always echoes the request id
    /// and names the keyserver in <c>served_by</c>. Throws <see cref="OperationCanceledException"/>
    /// only when <paramref name="cancellationToken"/> is cancelled (the caller went away).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="deadline">When the caller stops waiting; null applies the configured default.</param>
    /// <param name="cancellationToken">Cancels a request still waiting for a worker.</param>
    public ValueTask<SignResponse> SignAsync(SignRequest request, DateTimeOffset? deadline, CancellationToken cancellationToken);

    /// <summary>
    /// Performs a request that another region's keyserver forwarded here: answered by this
    /// region (locally or by the key's grain), never forwarded again. A keyserver outside a
    /// cluster treats it as any other request.
    /// </summary>
    public ValueTask<SignResponse> SignForwardedAsync(SignRequest request, DateTimeOffset? deadline, CancellationToken cancellationToken) =>
        SignAsync(request, deadline, cancellationToken);

    /// <summary>
    /// Completes when a worker next finishes a request (at once when idle). Transports that
    /// read a stream of requests wait on it after answering one <c>OVERLOADED</c>, so a client
    /// flooding a stream is slowed by transport backpressure rather than read and rejected as
    /// fast as it can write; the rejected request itself is still answered at once.
    /// </summary>
    public Task WhenCapacityFreesAsync(CancellationToken cancellationToken);

    /// <summary>Measured capacity per algorithm, the accelerator and the current load.</summary>
    public Contracts.V1.Capacity GetCapacity();
}

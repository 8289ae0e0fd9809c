using KeylessGeo.Contracts.V1;
using KeylessGeo.Serving.Signing;

namespace KeylessGeo.Serving.Tracing;

/// <summary>
/// Wraps a process's <see cref="ISigningService"/> so each request it serves is a span, the child
/// of the caller's span the request names (<see cref="SigningTrace.StartServer"/>). With no tracer
/// listening it passes every call straight through.
/// </summary>
internal sealed class TracingSigningService(ISigningService inner) : ISigningService, IAsyncDisposable
{
    /// <summary>The wrapped service.</summary>
    public ISigningService Inner { get; } = inner;

    public ValueTask<SignResponse> SignAsync(SignRequest request, DateTimeOffset? deadline, CancellationToken cancellationToken) =>
        SigningTrace.Enabled ? TracedAsync(request, deadline, forwarded: false, cancellationToken) : Inner.SignAsync(request, deadline, cancellationToken);

    public ValueTask<SignResponse> SignForwardedAsync(SignRequest request, DateTimeOffset? deadline, CancellationToken cancellationToken) =>
        SigningTrace.Enabled ? TracedAsync(request, deadline, forwarded: true, cancellationToken) : Inner.SignForwardedAsync(request, deadline, cancellationToken);

    public Task WhenCapacityFreesAsync(CancellationToken cancellationToken) => Inner.WhenCapacityFreesAsync(cancellationToken);

    public Capacity GetCapacity() => Inner.GetCapacity();

    public ValueTask DisposeAsync()
    {
        // The container created the inner service through this wrapper's factory, so it would not
        // dispose it itself.
        if (Inner is IAsyncDisposable asyncDisposable)
        {
            return asyncDisposable.DisposeAsync();
        }

        (Inner as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask<SignResponse> TracedAsync(SignRequest request, DateTimeOffset? deadline, bool forwarded, CancellationToken cancellationToken)
    {
        using var activity = SigningTrace.StartServer(request, forwarded);
        var response = forwarded
            ? await Inner.SignForwardedAsync(request, deadline, cancellationToken).ConfigureAwait(false)
            : await Inner.SignAsync(request, deadline, cancellationToken).ConfigureAwait(false);
        if (activity is not null)
        {
            SigningTrace.Finish(activity, response);
        }

        return response;
    }
}

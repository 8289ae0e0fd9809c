using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>Forwards a request to a keyserver of another region that may hold its key.</summary>
internal interface IRemoteForwarder
{
    /// <summary>Never throws for a per-request problem; OperationCanceledException only when cancellationToken is cancelled.</summary>
    public ValueTask<SignResponse> ForwardAsync(SignRequest request, IReadOnlyCollection<string> permittedDatacenters, DateTimeOffset deadline, CancellationToken cancellationToken);
}

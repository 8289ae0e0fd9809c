using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Cluster.Placement;
using KeylessGeo.KeyServer.Cluster.Routing;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using ErrorCode = KeylessGeo.Contracts.V1.ErrorCode;

namespace KeylessGeo.KeyServer.Cluster.Grains;

/// <summary>
/// A managed key's activation on a silo its policy permits. Activating re-checks the policy as
/// this silo's feed knows it, fetches the key's wrapped private key (the index holds public facts
/// only; <see cref="ManagedKeyBlobs"/> caches recent ones) and opens it (unwrapping it for this
/// datacenter), so a silo
/// that may not hold the key refuses the activation and one that cannot open it fails it before
/// any request waits; deactivating (idle, or told by the feed when the policy no longer permits
/// this datacenter) drops the opened key. Signing runs on the silo's signing workers, never on
/// the activation's turn.
/// </summary>
[PolicyPlacement]
internal sealed class KeyGrain(
    SigningService signing, KeyStore keys, LocalKeyActivations activations, IOptions<KeyServerOptions> options, ILogger<KeyGrain> logger)
    : Grain, IKeyGrain
{
    // Bounds the fetch an activation waits for; a request's own deadline bounds its own fetch.
    private static readonly TimeSpan ActivationFetchTimeout = TimeSpan.FromSeconds(10);

    private string KeyId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var keyId = KeyId;
        var here = options.Value;
        if (!keys.TryGetById(keyId, out var key) || key.Source is not { } source || key.RefusalMessage is not null)
        {
            var why = key?.RefusalMessage ?? "it is not a key this keyserver manages";
            throw new KeyNotPlaceableException($"keyserver '{here.Id}' in datacenter '{here.Datacenter}' may not hold key '{keyId}': {why}")
            {
                IsActivationRefusal = true,
            };
        }

        try
        {
            // The index holds public facts only: fetch the wrapped key (cached, or from the store),
            // then unwrap it, so the activation holds a usable key before any request waits.
            await source.PrepareAsync(ActivationFetchTimeout, cancellationToken);
            using var opened = keys.Acquire(key);
        }
        catch (Exception e) when (e is ManagedKeyFetchException or TimeoutException)
        {
            // Not this silo's fault and not final: the activation stays, and each request fetches
            // again and is answered with the specific error (store unreachable, key removed).
            RoutingLog.KeyGrainOpenFailed(logger, keyId, e.Message);
        }
        catch (Exception e) when (e is ManagedKeyException or KeyFileException)
        {
            RoutingLog.KeyGrainOpenFailed(logger, keyId, e.Message);
            throw new KeyNotPlaceableException($"keyserver '{here.Id}' in datacenter '{here.Datacenter}' cannot open key '{keyId}'; its log names the cause");
        }

        activations.Add(keyId, GrainContext);
        RoutingLog.KeyGrainActivated(logger, keyId, here.Datacenter);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var keyId = KeyId;
        activations.Remove(keyId, GrainContext);
        var dropped = keys.Evict(keyId);
        RoutingLog.KeyGrainDeactivated(logger, keyId, reason.Description ?? reason.ReasonCode.ToString(), dropped);
        return Task.CompletedTask;
    }

    public async Task<SignResponse> SignAsync(SignRequest request, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        // Interleaved, and the operation itself runs on a signing worker: the activation's turn
        // only hands the request over and the answer back, so a hot key is not serialised here.
        var response = await signing.SignAsync(request, deadline, cancellationToken);
        if (response.OutcomeCase == SignResponse.OutcomeOneofCase.Error && response.Error.Code == ErrorCode.PolicyDenied)
        {
            // The feed applied a policy that no longer permits this datacenter before it got to
            // deactivate this activation: leave now, so the next request is placed anew.
            activations.Deactivate(KeyId, "the key's policy no longer permits this datacenter");
        }

        return response;
    }
}

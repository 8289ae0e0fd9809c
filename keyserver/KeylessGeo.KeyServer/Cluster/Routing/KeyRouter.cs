using System.Runtime.CompilerServices;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.KeyServer.Cluster.Placement;
using KeylessGeo.KeyServer.Cluster.Silo;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Forwarding;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using ErrorCode = KeylessGeo.Contracts.V1.ErrorCode;

namespace KeylessGeo.KeyServer.Cluster.Routing;

/// <summary>
/// The signing entry point of a keyserver that is a cluster member. A key this datacenter may
/// hold (or any key file, or an unknown key) is signed here, exactly as a standalone keyserver
/// would: no grain, no hop. A managed key whose policy does not permit this datacenter goes
/// <list type="bullet">
/// <item>to its key grain on a permitted silo of this region (an Orleans call), when the policy
/// permits a datacenter of this region;</item>
/// <item>otherwise to a keyserver of the nearest permitted region (<see cref="IRemoteForwarder"/>),
/// unless forwarding is off or the request was forwarded here already;</item>
/// <item>otherwise it is answered <c>POLICY_DENIED</c>, naming where the key may be used.</item>
/// </list>
/// Every answer names the keyserver that signed it; one request's failure is its own.
/// </summary>
internal sealed class KeyRouter : ISigningService
{
    private readonly SigningService _local;
    private readonly KeyStore _keys;
    private readonly KeyPlacementView _placements;
    private readonly Lazy<IGrainFactory> _grains;
    private readonly IRemoteForwarder? _forwarder;
    private readonly RoutingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<KeyRouter> _logger;
    private readonly SiloIdentity _identity;
    private readonly TimeSpan _defaultDeadline;
    private readonly bool _forwarding;
    private readonly ServedBy _servedBy;

    public KeyRouter(
        SigningService local, KeyStore keys, KeyPlacementView placements, IServiceProvider services, SiloIdentity identity, RoutingMetrics metrics,
        IOptions<KeyServerOptions> options, IOptions<ClusterOptions> cluster, TimeProvider time, ILogger<KeyRouter> logger,
        IRemoteForwarder? forwarder = null)
    {
        _forwarding = cluster.Value.Forwarding?.Enabled ?? true;
        _local = local;
        _keys = keys;
        _placements = placements;
        // Resolved on first use: the listeners resolve this router while the host is built, before
        // the silo's cluster id is settled, and the grain factory would build the silo's services.
        _grains = new Lazy<IGrainFactory>(services.GetRequiredService<IGrainFactory>);
        _identity = identity;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _forwarder = forwarder;
        _defaultDeadline = options.Value.Admission.DefaultDeadline;
        _servedBy = new ServedBy { KeyserverId = options.Value.Id, Datacenter = options.Value.Datacenter };
    }

    public ValueTask<SignResponse> SignAsync(SignRequest request, DateTimeOffset? deadline, CancellationToken cancellationToken) =>
        Route(request, deadline, forwarded: false, rerouted: false, cancellationToken);

    public ValueTask<SignResponse> SignForwardedAsync(SignRequest request, DateTimeOffset? deadline, CancellationToken cancellationToken) =>
        Route(request, deadline, forwarded: true, rerouted: false, cancellationToken);

    public Task WhenCapacityFreesAsync(CancellationToken cancellationToken) => _local.WhenCapacityFreesAsync(cancellationToken);

    public Contracts.V1.Capacity GetCapacity() => _local.GetCapacity();

    /// <summary>Routes one request (see the class summary).</summary>
    /// <param name="request">The request.</param>
    /// <param name="deadline">When the caller stops waiting; null for the configured default.</param>
    /// <param name="forwarded">The request came from another region's keyserver: it is not forwarded again.</param>
    /// <param name="rerouted">
    /// True for the second routing of a request whose first answer was a <c>POLICY_DENIED</c> that
    /// raced a policy change; it is not routed a third time.
    /// </param>
    /// <param name="cancellationToken">The caller went away.</param>
    private ValueTask<SignResponse> Route(SignRequest request, DateTimeOffset? deadline, bool forwarded, bool rerouted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var lookup = _keys.Find(request.Key);
        if (lookup.Error != ErrorCode.PolicyDenied || lookup.RefusedKey is not { Source: not null } refused
            || _placements.Current.ForKey(refused.KeyId) is not { } permitted)
        {
            var signed = _local.SignAsync(request, lookup, deadline, cancellationToken);
            if (rerouted || lookup.Key?.Source is null)
            {
                // A key file (or an unknown key) never moves; and a second routing is final.
                return signed;
            }

            if (signed.IsCompletedSuccessfully)
            {
                return IsPolicyDenied(signed.Result) ? Route(request, deadline, forwarded, rerouted: true, cancellationToken) : signed;
            }

            return RerouteIfDeniedAsync(signed, request, deadline, forwarded, cancellationToken);
        }

        var due = deadline ?? _time.GetUtcNow() + _defaultDeadline;
        if (!_forwarding)
        {
            return ValueTask.FromResult(Answer(RoutePath.Refused, request, ErrorCode.PolicyDenied,
                $"key '{refused.KeyId}' may not be used in datacenter '{_servedBy.Datacenter}', and this keyserver does not forward; its policy permits {permitted.Describe()}"));
        }

        if (permitted.PermitsRegion(_identity.Region))
        {
            return ViaKeyGrainAsync(request, refused.KeyId, permitted, due, forwarded, rerouted, cancellationToken);
        }

        return ToAnotherRegionAsync(request, refused.KeyId, permitted, due, forwarded, cancellationToken);
    }

    /// <summary>
    /// A managed key signed here whose policy was narrowed between the lookup and the operation
    /// answers <c>POLICY_DENIED</c> from the new state; the request is then routed once more by
    /// that state (to where the key may now be used) instead of being refused for good.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SignResponse> RerouteIfDeniedAsync(
        ValueTask<SignResponse> signed, SignRequest request, DateTimeOffset? deadline, bool forwarded, CancellationToken cancellationToken)
    {
        var response = await signed.ConfigureAwait(false);
        return IsPolicyDenied(response)
            ? await Route(request, deadline, forwarded, rerouted: true, cancellationToken).ConfigureAwait(false)
            : response;
    }

    private static bool IsPolicyDenied(SignResponse response) =>
        response.OutcomeCase == SignResponse.OutcomeOneofCase.Error && response.Error.Code == ErrorCode.PolicyDenied;

    private async ValueTask<SignResponse> ViaKeyGrainAsync(
        SignRequest request, string keyId, PermittedPlaces permitted, DateTimeOffset deadline, bool forwarded, bool rerouted, CancellationToken cancellationToken)
    {
        var remaining = deadline - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return Answer(RoutePath.Region, request, ErrorCode.DeadlineExceeded, "the deadline passed before the request could go to the key's keyserver in this region");
        }

        SignResponse response;
        try
        {
            response = await CallKeyGrainAsync(request, keyId, deadline, remaining, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (Unplaceable(e) is { } unplaceable)
        {
            // No silo of this region that is up may hold the key now (its permitted datacenters'
            // keyservers are down, or the policy changed): another region may still serve it.
            if (permitted.DatacentersOutside(_identity.Region).Count > 0)
            {
                return await ToAnotherRegionAsync(request, keyId, permitted, deadline, forwarded, cancellationToken).ConfigureAwait(false);
            }

            return Answer(RoutePath.Region, request, ErrorCode.Unavailable, unplaceable.Message);
        }
        catch (TimeoutException)
        {
            return Answer(RoutePath.Region, request, ErrorCode.DeadlineExceeded,
                $"the key's keyserver in this region did not answer within the request's deadline ({remaining.TotalMilliseconds:F0} ms)");
        }
        catch (Exception e) when (e is OrleansException or SiloUnavailableException or InvalidOperationException)
        {
            RoutingLog.KeyGrainCallFailed(_logger, keyId, e.GetType().Name, e.Message);
            return Answer(RoutePath.Region, request, ErrorCode.Unavailable,
                $"the key's keyserver in this region could not be reached ({e.GetType().Name}); try again");
        }

        _metrics.Routed(RoutePath.Region, response);
        if (IsPolicyDenied(response) && !rerouted)
        {
            // The grain's silo lost permission before it was told to deactivate: route again by
            // the state this keyserver now knows.
            return await Route(request, deadline, forwarded, rerouted: true, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    /// <summary>
    /// Calls the key's grain. An activation refused by the silo it landed on (a message that
    /// reached a silo whose permission was just withdrawn, before the directory forgot the old
    /// activation) is retried once: the refused activation is gone, so the retry is placed anew.
    /// </summary>
    private async Task<SignResponse> CallKeyGrainAsync(SignRequest request, string keyId, DateTimeOffset deadline, TimeSpan remaining, CancellationToken cancellationToken)
    {
        var grain = _grains.Value.GetGrain<IKeyGrain>(keyId);
        var byId = ByKeyId(request, keyId);
        try
        {
            return await grain.SignAsync(byId, deadline, cancellationToken).WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Unplaceable(e) is { IsActivationRefusal: true } && deadline > _time.GetUtcNow())
        {
            return await grain.SignAsync(byId, deadline, cancellationToken).WaitAsync(deadline - _time.GetUtcNow(), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<SignResponse> ToAnotherRegionAsync(
        SignRequest request, string keyId, PermittedPlaces permitted, DateTimeOffset deadline, bool forwarded, CancellationToken cancellationToken)
    {
        var elsewhere = permitted.DatacentersOutside(_identity.Region);
        if (_forwarder is null || forwarded || elsewhere.Count == 0)
        {
            var why = forwarded ? "; the request was forwarded here by another region and is not forwarded again" : "";
            return Answer(RoutePath.Refused, request, ErrorCode.PolicyDenied,
                $"key '{keyId}' may not be used in datacenter '{_servedBy.Datacenter}'; its policy permits {permitted.Describe()}{why}");
        }

        var response = await _forwarder.ForwardAsync(ByKeyId(request, keyId), elsewhere, deadline, cancellationToken).ConfigureAwait(false);
        _metrics.Routed(RoutePath.Remote, response);
        return response;
    }

    private SignResponse Answer(string path, SignRequest request, ErrorCode code, string message)
    {
        var response = new SignResponse
        {
            Id = request.Id,
            Error = new SignError { Code = code, Message = message },
            ServedBy = _servedBy.Clone(),
        };
        _metrics.Routed(path, response);
        return response;
    }

    /// <summary>The request with its key named by id, so every keyserver resolves it to the same managed key.</summary>
    private static SignRequest ByKeyId(SignRequest request, string keyId)
    {
        var byId = request.Clone();
        byId.Key = new KeyRef { KeyId = keyId };
        return byId;
    }

    private static KeyNotPlaceableException? Unplaceable(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is KeyNotPlaceableException unplaceable)
            {
                return unplaceable;
            }
        }

        return null;
    }
}

using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Capacity;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Crypto;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Signing;

/// <summary>Lookup, then admission, then the private-key operation on a worker, then the response.</summary>
internal sealed class SigningService : ISigningService
{

    /// <summary>The longest measured operation an event loop runs inline (<see cref="EventLoopThread"/>).</summary>
    internal static readonly TimeSpan InlineLimit = TimeSpan.FromMicroseconds(150);
    private readonly KeyStore _keys;
    private readonly AdmissionController _admission;
    private readonly CapacityState _capacity;
    private readonly KeyServerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<SigningService> _logger;
    private readonly TimeSpan _defaultDeadline;
    private readonly ServedBy _servedBy;

    public SigningService(
        KeyStore keys, AdmissionController admission, CapacityState capacity, KeyServerMetrics metrics,
        IOptions<KeyServerOptions> options, TimeProvider time, ILogger<SigningService> logger)
    {
        _keys = keys;
        _admission = admission;
        _capacity = capacity;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _defaultDeadline = options.Value.Admission.DefaultDeadline;
        _servedBy = new ServedBy { KeyserverId = options.Value.Id, Datacenter = options.Value.Datacenter };
        _admission.QueueWaitObserved = (item, wait) => _metrics.RecordQueueWait(item.Algorithm.Name(), wait);
    }

    public ValueTask<SignResponse> SignAsync(SignRequest request, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SignAsync(request, _keys.Find(request.Key), deadline, cancellationToken);
    }

    /// <summary>Performs <paramref name="request"/> with the key <paramref name="lookup"/> found (the router looked it up already).</summary>
    internal ValueTask<SignResponse> SignAsync(SignRequest request, KeyLookupResult lookup, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<SignResponse>(cancellationToken);
        }

        var started = _time.GetTimestamp();
        if (lookup.Key is not { } key)
        {
            return ValueTask.FromResult(Failure(request, null, lookup.Error, lookup.Message!, started));
        }

        if (OperationRules.Check(request.Operation, key, request.Payload.Length) is { } problem)
        {
            return ValueTask.FromResult(Failure(request, key, ErrorCode.BadRequest, problem, started));
        }

        var due = deadline ?? (_time.GetUtcNow() + _defaultDeadline);
        if (key.Source is not { } source)
        {
            return Admit(request, key, null, due, cancellationToken, started);
        }

        // A managed key first gets its wrapped private key (fetched from the control-plane store
        // on first use), asynchronously, so no worker ever waits for the store.
        var prepared = source.PrepareAsync(due - _time.GetUtcNow(), cancellationToken);
        return prepared.IsCompletedSuccessfully
            ? WaitForCapacity(request, key, source, due, cancellationToken, started)
            : AdmitWhenPreparedAsync(request, key, source, prepared, due, cancellationToken, started);
    }

    private ValueTask<SignResponse> WaitForCapacity(
        SignRequest request, IndexedKey key, IPrivateKeySource source, DateTimeOffset due, CancellationToken cancellationToken, long started)
    {
        // A key in a device (a PKCS#11 token) first waits, asynchronously, for a free session,
        // so no worker ever blocks waiting for one.
        var capacity = source.WaitForCapacityAsync(due - _time.GetUtcNow(), cancellationToken);
        return capacity.IsCompletedSuccessfully
            ? Admit(request, key, capacity.Result, due, cancellationToken, started)
            : AdmitWhenCapacityAsync(request, key, capacity, due, cancellationToken, started);
    }

    private async ValueTask<SignResponse> AdmitWhenPreparedAsync(
        SignRequest request, IndexedKey key, IPrivateKeySource source, ValueTask prepared, DateTimeOffset due, CancellationToken cancellationToken, long started)
    {
        try
        {
            await prepared.ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return Failure(request, key, ErrorCode.DeadlineExceeded, $"the deadline passed while key '{key.KeyId}' was fetched from the control-plane store", started);
        }
        catch (ManagedKeyFetchException e)
        {
            return Failure(request, key, e.Code, e.Message, started);
        }

        return await WaitForCapacity(request, key, source, due, cancellationToken, started).ConfigureAwait(false);
    }

    private async ValueTask<SignResponse> AdmitWhenCapacityAsync(
        SignRequest request, IndexedKey key, ValueTask<IDisposable?> capacity, DateTimeOffset deadline, CancellationToken cancellationToken, long started)
    {
        IDisposable? permit;
        try
        {
            permit = await capacity.ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return Failure(request, key, ErrorCode.DeadlineExceeded, "the deadline passed while the request waited for a session with the key's token", started);
        }

        return await Admit(request, key, permit, deadline, cancellationToken, started).ConfigureAwait(false);
    }

    private ValueTask<SignResponse> Admit(SignRequest request, IndexedKey key, IDisposable? permit, DateTimeOffset deadline, CancellationToken cancellationToken, long started)
    {
        var item = new SignWorkItem(this, request, key, deadline, started) { Permit = permit };
        if (permit is null && EventLoopThread.IsCurrent && IsShort(key.Algorithm) && _admission.TryRunInline(item))
        {
            // Answered on the event loop's own thread: completed, so awaiting it continues at once.
            return item.Completion;
        }

        item.RegisterCancellation(cancellationToken);
        var admission = _admission.TryEnqueue(item);
        if (!admission.IsAccepted)
        {
            item.UnregisterCancellation();
            permit?.Dispose();
            return ValueTask.FromResult(Failure(request, key, SignErrorMapper.Map(admission.Decision), admission.Message!, started));
        }

        return item.Completion;
    }

    // Short enough to run on an event loop: measured (calibration or workers) at no more than
    // InlineLimit, so a loop's other connections wait at most about that long for it. The estimate is
    // wall time, so on a busy 2-core machine an ECDSA P-256 signature (about 20 µs of CPU) was seen at
    // up to 119 µs: 150 µs keeps it inline there and still sends RSA-2048 (260 µs and more) and P-384 to workers.
    private bool IsShort(KeyAlgorithm algorithm)
    {
        var estimate = _admission.ServiceTimes.Estimate(algorithm);
        return estimate > TimeSpan.Zero && estimate <= InlineLimit;
    }

    public Task WhenCapacityFreesAsync(CancellationToken cancellationToken) => _admission.WhenCapacityFreesAsync(cancellationToken);

    public Contracts.V1.Capacity GetCapacity()
    {
        var load = _admission.Load;
        var accelerator = _capacity.Accelerator;
        var capacity = new Contracts.V1.Capacity
        {
            Accelerator = new Accelerator { Kind = accelerator.Kind, Multiplier = accelerator.Multiplier },
            Load = new Load
            {
                InFlight = (uint)load.InFlight,
                Queued = (uint)load.Queued,
                ConcurrencyLimit = (uint)load.ConcurrencyLimit,
                QueueLimit = (uint)load.QueueLimit,
                CompletedTotal = (ulong)load.CompletedTotal,
                RejectedOverloadedTotal = (ulong)load.RejectedOverloadedTotal,
            },
            ServedBy = _servedBy.Clone(),
        };
        foreach (var (algorithm, perSecond) in _capacity.Measured)
        {
            capacity.Algorithms.Add(new AlgorithmCapacity { Algorithm = algorithm.Name(), OperationsPerSecond = perSecond });
        }

        return capacity;
    }

    /// <summary>Runs on a worker thread.</summary>
    internal SignResponse Execute(SignWorkItem item)
    {
        var request = item.Request;
        var key = item.Key;
        if (key.Source is { IsRetired: true })
        {
            // A control-plane change replaced the key after this request looked it up: answer
            // from the current state (denied, removed, or the new version), as a request arriving
            // now would be, and never load the retired key again.
            var lookup = _keys.Find(request.Key);
            if (lookup.Key is null)
            {
                return Failure(request, key, lookup.Error, lookup.Message!, item.StartedTimestamp);
            }

            key = lookup.Key;
            if (OperationRules.Check(request.Operation, key, request.Payload.Length) is { } problem)
            {
                return Failure(request, key, ErrorCode.BadRequest, problem, item.StartedTimestamp);
            }
        }

        try
        {
            byte[] result;
            using (var lease = _keys.Acquire(key))
            {
                result = PrivateKeyOperations.Execute(lease.Key, request.Operation, request.Payload.Span);
            }

            Record(request, key, ErrorCode.Unspecified, item.StartedTimestamp);
            return new SignResponse { Id = request.Id, Result = UnsafeByteOperations.UnsafeWrap(result), ServedBy = _servedBy.Clone() };
        }
        catch (Exception e)
        {
            if (e is KeyFileException or ManagedKeyException { AlreadyReported: false })
            {
                KeyServerLog.PrivateKeyLoadFailed(_logger, key.KeyId, e.Message);
            }

            var (code, message) = SignErrorMapper.Map(e, key);
            KeyServerLog.OperationFailed(
                _logger,
                code == ErrorCode.CryptoFailure ? LogLevel.Debug : LogLevel.Warning,
                request.Id,
                WireNames.Of(request.Operation),
                key.KeyId,
                WireNames.Of(code),
                e.GetType().Name);
            return Failure(request, key, code, message, item.StartedTimestamp);
        }
    }

    /// <summary>Answers a request whose deadline passed while it waited for a worker.</summary>
    internal SignResponse Expired(SignWorkItem item, TimeSpan queueWait) => Failure(
        item.Request, item.Key, ErrorCode.DeadlineExceeded,
        $"the deadline passed while the request waited {queueWait.TotalMilliseconds:F1} ms for a worker", item.StartedTimestamp);

    private SignResponse Failure(SignRequest request, IndexedKey? key, ErrorCode code, string message, long started)
    {
        Record(request, key, code, started);
        return new SignResponse
        {
            Id = request.Id,
            Error = new SignError { Code = code, Message = message },
            ServedBy = _servedBy.Clone(),
        };
    }

    private void Record(SignRequest request, IndexedKey? key, ErrorCode code, long started) =>
        _metrics.RecordOperation(request.Operation, key?.Algorithm, code, _time.GetElapsedTime(started));
}

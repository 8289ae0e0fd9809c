using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.EdgeAgent.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>
/// One <c>SignStream</c> call carrying many requests: one writer loop drains a queue onto the
/// stream, one reader loop matches answers to requests by id. When the call ends, for whatever
/// reason, every request still waiting fails at once with <see cref="UpstreamException"/> saying
/// whether it had been written; the owner then opens a new session for later requests.
/// </summary>
internal sealed class SignStreamSession
{
    private readonly string _upstream;
    private readonly AsyncDuplexStreamingCall<SignRequest, SignResponse> _call;
    private readonly Channel<SignRequest> _outbound = Channel.CreateUnbounded<SignRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ulong, PendingSign> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private long _nextId;
    private int _waiting;
    private int _ended;
    private volatile bool _established;
    private string _endReason = "";

    private readonly ILogger _logger;

    public SignStreamSession(string upstream, Contracts.V1.KeyServer.KeyServerClient client, ILogger logger)
    {
        _upstream = upstream;
        _logger = logger;
        _call = client.SignStream(cancellationToken: _stop.Token);
        _ = WriteLoopAsync();
        _ = ReadLoopAsync();
    }

    /// <summary>False once the call has ended; requests must go to a new session.</summary>
    public bool IsOpen => Volatile.Read(ref _ended) == 0;

    /// <summary>
    /// Requests written or queued and not yet answered. A counter of its own: the dictionary's
    /// <c>Count</c> takes every bucket lock, and this is read for each request to pick a connection.
    /// </summary>
    public int Pending => Volatile.Read(ref _waiting);

    /// <summary>
    /// Sends <paramref name="request"/> (which the session may renumber: pass a copy the caller no
    /// longer touches) and waits for its answer. Cancelling abandons the request: it is not written
    /// if it is still queued, and a late answer is dropped.
    /// </summary>
    public async Task<SignResponse> SendAsync(SignRequest request, CancellationToken cancellationToken)
    {
        var id = (ulong)Interlocked.Increment(ref _nextId);
        var pending = new PendingSign();
        Interlocked.Increment(ref _waiting);
        _pending[id] = pending;
        request.Id = id;
        if (!IsOpen || !_outbound.Writer.TryWrite(request))
        {
            // Ended before (or while) queueing: End's sweep may have missed this entry.
            Fail(id, pending);
        }

        try
        {
            return await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Abandoned or answered: a request still queued is skipped by the writer.
            _pending.TryRemove(id, out _);
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>Ends the call; requests still waiting fail.</summary>
    public void End(string reason, Exception? error = null)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        _endReason = error is null ? reason : $"{reason} ({error.GetType().Name}: {error.Message})";
        _outbound.Writer.TryComplete();
        _stop.Cancel();
        var failed = 0;
        foreach (var (id, pending) in _pending)
        {
            Fail(id, pending);
            failed++;
        }

        if (failed > 0 || error is not null)
        {
            EdgeAgentLog.StreamEnded(_logger, _upstream, _endReason, failed);
        }

        _call.Dispose();
    }

    private void Fail(ulong id, PendingSign pending)
    {
        _pending.TryRemove(id, out _);
        var reason = _endReason.Length > 0 ? _endReason : "the stream ended";
        pending.TrySetException(pending.Sent
            ? new UpstreamException(UpstreamFailure.Broken, _upstream, $"the stream broke after the request was sent: {reason}")
            : new UpstreamException(UpstreamFailure.NotSent, _upstream, _established ? $"the stream ended before the request was sent: {reason}" : $"no connection: {reason}"));
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            var reader = _outbound.Reader;
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var request))
                {
                    if (!_pending.TryGetValue(request.Id, out var pending))
                    {
                        continue; // abandoned while queued
                    }

                    // Marked after the write: a connection that fails during it counts the request as
                    // not sent, so it may go elsewhere (signing twice is harmless; losing it is not).
                    await _call.RequestStream.WriteAsync(request, _stop.Token).ConfigureAwait(false);
                    pending.MarkSent();
                    _established = true;
                }
            }
        }
        catch (Exception e)
        {
            End("writing to the stream failed", e is OperationCanceledException && _stop.IsCancellationRequested ? null : Unwrap(e));
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            var responses = _call.ResponseStream;
            while (await responses.MoveNext(_stop.Token).ConfigureAwait(false))
            {
                _established = true;
                var response = responses.Current;
                if (_pending.TryRemove(response.Id, out var pending))
                {
                    pending.TrySetResult(response);
                }
            }

            End("the keyserver ended the stream");
        }
        catch (Exception e)
        {
            End("reading from the stream failed", e is OperationCanceledException && _stop.IsCancellationRequested ? null : Unwrap(e));
        }
    }

    // A failed connection surfaces as RpcException(Unavailable) around the HTTP error; name the cause.
    private static Exception Unwrap(Exception e) => e is RpcException { Status.DebugException: { } inner } ? inner : e;
}

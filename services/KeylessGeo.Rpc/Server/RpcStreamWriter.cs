using System.Threading.Channels;
using Google.Protobuf;
using KeylessGeo.Rpc.Framing;
using KeylessGeo.Rpc.Status;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Rpc.Server;

/// <summary>
/// The response stream of a streaming call. Safe to call from many tasks at once: messages
/// go into a bounded queue that one writer loop drains, writing several messages per flush.
/// Writing after the call ended throws <see cref="InvalidOperationException"/>.
/// </summary>
/// <typeparam name="T">The response message type.</typeparam>
public sealed class RpcStreamWriter<T>
    where T : class, IMessage<T>
{
    private readonly Channel<T> _queue;
    private readonly HttpContext _http;
    private readonly RpcCallContext _context;
    private readonly RpcServerOptions _options;
    private readonly ILogger _logger;
    private readonly Task _loop;

    internal RpcStreamWriter(HttpContext http, RpcCallContext context, RpcServerOptions options, ILogger logger)
    {
        _http = http;
        _context = context;
        _options = options;
        _logger = logger;
        _queue = Channel.CreateBounded<T>(new BoundedChannelOptions(options.ResponseQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = RunAsync();
    }

    /// <summary>A stream-fatal status raised by the writer (oversize message, deadline), if any.</summary>
    internal RpcStatus? FatalStatus { get; private set; }

    /// <summary>
    /// Queues <paramref name="message"/>; completes at once unless the queue is full. The first
    /// call fixes the response headers: later changes to <see cref="RpcCallContext.ResponseHeaders"/> are ignored.
    /// </summary>
    public ValueTask WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);

        // Copy the headers here, on the handler's thread, before the writer loop can see the message.
        _context.FreezeResponseHeaders();
        return _queue.Writer.TryWrite(message) ? default : WriteSlowAsync(message, cancellationToken);
    }

    /// <summary>Stops accepting messages and waits until queued ones are written (or dropped after a failure).</summary>
    internal async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async ValueTask WriteSlowAsync(T message, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The call {_context.Method.FullName} has ended; no more responses can be written.");
        }
    }

    private async Task RunAsync()
    {
        // Let the handler start before the loop parks on the queue.
        await Task.Yield();
        var reader = _queue.Reader;
        var output = _http.Response.BodyWriter;
        var token = _context.CancellationToken;
        var batch = _options.MaxMessagesPerFlush;
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                if (!_context.ResponseStarted)
                {
                    ServerProtocol.PrepareResponse(_http.Response, _context.FreezeResponseHeaders());
                    _context.ResponseStarted = true;
                }

                var written = 0;
                while (written < batch && reader.TryRead(out var message))
                {
                    GrpcFrame.Write(output, message, _options.MaxSendMessageSize);
                    written++;
                }

                var result = await output.FlushAsync(token).ConfigureAwait(false);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (RpcException ex)
        {
            FatalStatus = ex.Status;
            _context.Abort();
        }
        catch (OperationCanceledException)
        {
            if (_context.DeadlineExceeded)
            {
                FatalStatus = new RpcStatus(StatusCode.DeadlineExceeded, "Deadline exceeded.");
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException || (ex is InvalidOperationException && _context.ClientCancelled))
        {
            // The client went away; nothing more can be sent.
            RpcServerLog.ResponseWriteFailed(_logger, _context.Method.FullName, ex);
            _context.Abort();
        }
        catch (Exception ex)
        {
            // Not a disconnect: a fault in the writer itself. End the call with a status instead of hiding it.
            RpcServerLog.ResponseWriterFaulted(_logger, _context.Method.FullName, ex);
            FatalStatus = new RpcStatus(StatusCode.Internal, "Writing the response failed.");
            _context.Abort();
        }
        finally
        {
            _queue.Writer.TryComplete();
        }
    }
}

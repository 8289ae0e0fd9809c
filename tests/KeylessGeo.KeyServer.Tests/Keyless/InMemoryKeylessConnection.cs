using System.Buffers;
using System.IO.Pipelines;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Serving.Diagnostics;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Testing.Keyless;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>
/// A <see cref="KeylessConnection"/> over in-memory pipes with a scripted signing core: the
/// test writes request bytes and reads parsed responses, no sockets or TLS involved. With a
/// clock, its timeouts are enforced by a <see cref="KeylessConnectionMonitor"/> on that clock.
/// </summary>
internal sealed class InMemoryKeylessConnection : IAsyncDisposable
{
    // The client's writes never wait: a test may send more than the server will read before it answers.
    private readonly Pipe _toServer = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Pipe _toClient;
    private readonly ServiceProvider _services;
    private readonly KeyStore _keys;
    private readonly ResponseBudget? _ownBudget;
    private readonly KeylessConnectionMonitor _monitor;
    private readonly string _emptyKeys = Directory.CreateTempSubdirectory("keylessgeo-keyless-unit-").FullName;

    /// <param name="signing">The scripted core.</param>
    /// <param name="maxInFlight">In-flight slots.</param>
    /// <param name="options">Timeouts and budget sizes (defaults otherwise).</param>
    /// <param name="time">The clock of the timeouts (the system clock otherwise).</param>
    /// <param name="budget">A budget shared with other connections (a budget of its own otherwise).</param>
    /// <param name="clientWindow">Bytes the server may write before its flush waits for the client to read (the pipe's pause threshold).</param>
    public InMemoryKeylessConnection(
        ScriptedSigningService signing,
        int maxInFlight = 1024,
        KeylessOptions? options = null,
        TimeProvider? time = null,
        ResponseBudget? budget = null,
        long clientWindow = 65536)
    {
        options = (options ?? new KeylessOptions()) with { MaxInFlightPerConnection = maxInFlight };
        time ??= TimeProvider.System;
        _toClient = new Pipe(new PipeOptions(pauseWriterThreshold: clientWindow, resumeWriterThreshold: clientWindow / 2, useSynchronizationContext: false));
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _keys = new KeyStore(Options.Create(new KeyServerOptions { KeysDirectory = _emptyKeys }), NullLogger<KeyStore>.Instance);
        if (budget is null)
        {
            _ownBudget = new ResponseBudget(options.ResponseBytesBudget, options.MaxResponseBytesPerConnection, options.ResponseBudgetGracePeriod, time);
            budget = _ownBudget;
        }

        Budget = budget;
        var shared = new KeylessListenerServices(
            signing, new KeyTypeSupport(_keys), new KeylessMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), new ServingMeter(KeyServerInstruments.MeterName)),
            budget, time, options);
        Connection = new KeylessConnection(new DuplexPipe(_toServer.Reader, _toClient.Writer), shared, Abort);
        _monitor = new KeylessConnectionMonitor(time, Options.Create(options));
        _monitor.Add(Connection);
    }

    public KeylessConnection Connection { get; }

    public ResponseBudget Budget { get; }

    /// <summary>The message the connection aborted its transport with, once it has.</summary>
    public string? AbortMessage { get; private set; }

    /// <summary>Writes request bytes as the client.</summary>
    public async Task SendAsync(byte[] bytes)
    {
        await _toServer.Writer.WriteAsync(bytes);
    }

    /// <summary>Ends the client's side normally, or with <paramref name="error"/> (a reset).</summary>
    public Task CloseClientAsync(Exception? error = null) => _toServer.Writer.CompleteAsync(error).AsTask();

    /// <summary>The next response, or null when the server completed its output.</summary>
    public async Task<KeylessTestResponse?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var reader = _toClient.Reader;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (KeylessFrameReader.TryReadFrame(ref buffer, KeylessHeader.MaxBodyLength, out var frame) == KeylessFrameStatus.Frame)
            {
                Assert.True(KeylessItemParser.TryParseResponse(frame.Body, out var response, out var error), error.Reason);
                var result = new KeylessTestResponse(frame.Id, response.IsError, response.IsError ? response.Error : default, response.Payload.ToArray(), response.Opcode);
                reader.AdvanceTo(buffer.Start);
                return result;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                return null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _monitor.Remove(Connection);
        _monitor.Dispose();
        await _toServer.Writer.CompleteAsync();
        await _toClient.Reader.CompleteAsync();
        Connection.Dispose();
        _ownBudget?.Dispose();
        _keys.Dispose();
        await _services.DisposeAsync();
        Directory.Delete(_emptyKeys, recursive: true);
    }

    /// <summary>What Kestrel's abort does to the application's pipes: reads fail, a waiting flush returns.</summary>
    private void Abort(string message)
    {
        AbortMessage = message;
        _toServer.Writer.Complete(new ConnectionAbortedException(message));
        _toClient.Writer.CancelPendingFlush();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}

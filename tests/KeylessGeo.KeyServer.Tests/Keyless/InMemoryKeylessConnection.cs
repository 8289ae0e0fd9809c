using System.Buffers;
using System.IO.Pipelines;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Keyless;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.Testing.Keyless;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>
/// A <see cref="KeylessConnection"/> over in-memory pipes with a scripted signing core: the
/// test writes request bytes and reads parsed responses, no sockets or TLS involved.
/// </summary>
internal sealed class InMemoryKeylessConnection : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private readonly ServiceProvider _services;
    private readonly KeyStore _keys;
    private readonly string _emptyKeys = Directory.CreateTempSubdirectory("keylessgeo-keyless-unit-").FullName;

    public InMemoryKeylessConnection(ScriptedSigningService signing, int maxInFlight = 1024)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _keys = new KeyStore(Options.Create(new KeyServerOptions { KeysDirectory = _emptyKeys }), NullLogger<KeyStore>.Instance);
        var shared = new KeylessListenerServices(
            signing, new KeyTypeSupport(_keys), new KeylessMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            maxInFlight, KeylessCodecOptions.DefaultMaxBodyLength);
        Connection = new KeylessConnection(new DuplexPipe(_toServer.Reader, _toClient.Writer), shared);
    }

    public KeylessConnection Connection { get; }

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
        await _toServer.Writer.CompleteAsync();
        await _toClient.Reader.CompleteAsync();
        Connection.Dispose();
        _keys.Dispose();
        await _services.DisposeAsync();
        Directory.Delete(_emptyKeys, recursive: true);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}

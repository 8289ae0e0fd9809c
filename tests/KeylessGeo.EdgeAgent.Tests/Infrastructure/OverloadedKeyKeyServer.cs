using Grpc.Core;
using Grpc.Net.Client;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Serving.Grpc;

namespace KeylessGeo.EdgeAgent.Tests.Infrastructure;

/// <summary>
/// A keyserver in front of a real one that is overloaded for one key (as when that key's grain
/// lives on a saturated member): requests for <see cref="HotSki"/> are answered <c>OVERLOADED</c>
/// at once and counted; every other request is passed to the real keyserver and its answer
/// returned. gRPC over HTTP/2 without TLS on a loopback port.
/// </summary>
public sealed class OverloadedKeyKeyServer : IAsyncDisposable
{
    private readonly PlaintextGrpcHost _host;
    private readonly Service _service;

    private OverloadedKeyKeyServer(PlaintextGrpcHost host, Service service)
    {
        _host = host;
        _service = service;
    }

    /// <summary>Its gRPC address (<c>http://127.0.0.1:port</c>).</summary>
    public string Address => _host.Address;

    /// <summary>Requests for the hot key received (each answered <c>OVERLOADED</c>).</summary>
    public int HotReceived => _service.HotReceived;

    /// <summary>The SKI of the key this keyserver is overloaded for.</summary>
    public byte[] HotSki => _service.HotSki;

    /// <summary>Starts it in front of the keyserver behind <paramref name="real"/>.</summary>
    public static async Task<OverloadedKeyKeyServer> StartAsync(GrpcChannel real, byte[] hotSki)
    {
        var service = new Service(new Contracts.V1.KeyServer.KeyServerClient(real), hotSki);
        return new OverloadedKeyKeyServer(await PlaintextGrpcHost.StartAsync(service), service);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private sealed class Service(Contracts.V1.KeyServer.KeyServerClient real, byte[] hotSki) : KeyServerServiceBase
    {
        private int _hotReceived;

        public byte[] HotSki { get; } = hotSki;

        public int HotReceived => Volatile.Read(ref _hotReceived);

        public override Task<SignResponse> Sign(SignRequest request, ServerCallContext context) => AnswerAsync(request, context.CancellationToken);

        public override async Task SignStream(IAsyncStreamReader<StreamedSignRequest> requestStream, IServerStreamWriter<SignResponse> responseStream, ServerCallContext context)
        {
            using var writeLock = new SemaphoreSlim(1);
            var pending = new List<Task>();
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                var request = requestStream.Current.Request ?? throw new InvalidOperationException("A malformed request reached the test keyserver.");
                pending.Add(Task.Run(async () =>
                {
                    var response = await AnswerAsync(request, context.CancellationToken);
                    await writeLock.WaitAsync(context.CancellationToken);
                    try
                    {
                        await responseStream.WriteAsync(response, context.CancellationToken);
                    }
                    finally
                    {
                        writeLock.Release();
                    }
                }));
            }

            await Task.WhenAll(pending);
        }

        public override Task<Capacity> GetCapacity(GetCapacityRequest request, ServerCallContext context) => Task.FromResult(new Capacity());

        public override Task WatchKeyservers(WatchKeyserversRequest request, IServerStreamWriter<KeyserverList> responseStream, ServerCallContext context) =>
            Task.Delay(Timeout.Infinite, context.CancellationToken);

        private async Task<SignResponse> AnswerAsync(SignRequest request, CancellationToken cancellationToken)
        {
            if (request.Key?.Ski is { } ski && ski.Span.SequenceEqual(HotSki))
            {
                Interlocked.Increment(ref _hotReceived);
                return new SignResponse
                {
                    Id = request.Id,
                    Error = new SignError { Code = ErrorCode.Overloaded, Message = "The key's keyserver is at its admission limit." },
                    ServedBy = new ServedBy { KeyserverId = "ks-overloaded" },
                };
            }

            return await real.SignAsync(request, cancellationToken: cancellationToken);
        }
    }
}

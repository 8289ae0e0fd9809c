using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Serving.Grpc;

namespace KeylessGeo.EdgeAgent.Tests.Infrastructure;

/// <summary>
/// A keyserver that takes requests and never answers (a stuck or hopelessly slow one): gRPC over
/// HTTP/2 without TLS on a loopback port; counts the requests it read.
/// </summary>
public sealed class SilentKeyServer : IAsyncDisposable
{
    private readonly PlaintextGrpcHost _host;
    private readonly Service _service;

    private SilentKeyServer(PlaintextGrpcHost host, Service service)
    {
        _host = host;
        _service = service;
    }

    /// <summary>Its gRPC address (<c>http://127.0.0.1:port</c>).</summary>
    public string Address => _host.Address;

    /// <summary>Requests read so far.</summary>
    public int Received => _service.Received;

    public static async Task<SilentKeyServer> StartAsync()
    {
        var service = new Service();
        return new SilentKeyServer(await PlaintextGrpcHost.StartAsync(service), service);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private sealed class Service : KeyServerServiceBase
    {
        private int _received;

        public int Received => Volatile.Read(ref _received);

        public override async Task<SignResponse> Sign(SignRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref _received);
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        public override async Task SignStream(IAsyncStreamReader<StreamedSignRequest> requestStream, IServerStreamWriter<SignResponse> responseStream, ServerCallContext context)
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                Interlocked.Increment(ref _received);
            }
        }

        public override Task<Capacity> GetCapacity(GetCapacityRequest request, ServerCallContext context) => Task.FromResult(new Capacity());

        public override Task WatchKeyservers(WatchKeyserversRequest request, IServerStreamWriter<KeyserverList> responseStream, ServerCallContext context) =>
            Task.Delay(Timeout.Infinite, context.CancellationToken);
    }
}

using Grpc.Core;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Serving.Grpc;

/// <summary>
/// Binds <c>keylessgeo.v1.KeyServer</c> to Grpc.AspNetCore with <see cref="KeyServerMethods"/>
/// instead of the generated server base: Grpc.AspNetCore discovers the methods through
/// <see cref="BindService"/> and calls the overrides of the abstract methods below. The service
/// descriptor is exposed for gRPC reflection.
/// </summary>
[BindServiceMethod(typeof(KeyServerServiceBase), nameof(BindService))]
public abstract class KeyServerServiceBase
{
    /// <summary>The protobuf descriptor of the service (read by gRPC reflection).</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => KeyserverReflection.Descriptor.Services[0];

    /// <summary>One operation per call.</summary>
    public abstract Task<SignResponse> Sign(SignRequest request, ServerCallContext context);

    /// <summary>Many operations on one stream, answered in completion order.</summary>
    public abstract Task SignStream(IAsyncStreamReader<StreamedSignRequest> requestStream, IServerStreamWriter<SignResponse> responseStream, ServerCallContext context);

    /// <summary>Measured capacity, the accelerator and the current load.</summary>
    public abstract Task<Contracts.V1.Capacity> GetCapacity(GetCapacityRequest request, ServerCallContext context);

    /// <summary>The keyservers an edge agent may send to, as a stream of full lists.</summary>
    public abstract Task WatchKeyservers(WatchKeyserversRequest request, IServerStreamWriter<KeyserverList> responseStream, ServerCallContext context);

    /// <summary>Registers the methods with a binder (called by Grpc.AspNetCore with a null service).</summary>
    public static void BindService(ServiceBinderBase serviceBinder, KeyServerServiceBase? serviceImpl)
    {
        ArgumentNullException.ThrowIfNull(serviceBinder);
        serviceBinder.AddMethod(KeyServerMethods.Sign, serviceImpl is null ? null : serviceImpl.Sign);
        serviceBinder.AddMethod(KeyServerMethods.SignStream, serviceImpl is null ? null : serviceImpl.SignStream);
        serviceBinder.AddMethod(KeyServerMethods.GetCapacity, serviceImpl is null ? null : serviceImpl.GetCapacity);
        serviceBinder.AddMethod(KeyServerMethods.WatchKeyservers, serviceImpl is null ? null : serviceImpl.WatchKeyservers);
    }
}

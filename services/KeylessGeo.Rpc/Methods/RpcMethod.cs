namespace KeylessGeo.Rpc.Methods;

/// <summary>The untyped part of a method descriptor.</summary>
public abstract class RpcMethod
{
    /// <summary>Creates a descriptor for <c>/{serviceName}/{name}</c>.</summary>
    protected RpcMethod(RpcMethodType type, string serviceName, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = "/" + serviceName + "/" + name;
    }

    /// <summary>The method's shape.</summary>
    public RpcMethodType Type { get; }

    /// <summary>The fully qualified service name, for example <c>keylessgeo.v1.KeyServer</c>.</summary>
    public string ServiceName { get; }

    /// <summary>The method name, for example <c>Sign</c>.</summary>
    public string Name { get; }

    /// <summary>The HTTP/2 <c>:path</c>, for example <c>/keylessgeo.v1.KeyServer/Sign</c>.</summary>
    public string FullName { get; }

    /// <inheritdoc />
    public override string ToString() => FullName;
}

namespace KeylessGeo.StackFloor;

/// <summary>Which .NET layer serves the exchange.</summary>
internal enum FloorStack
{
    /// <summary>A raw <see cref="System.Net.Sockets.Socket"/> and <see cref="System.Net.Security.SslStream"/>: one receive loop per connection, one write per response.</summary>
    Socket,

    /// <summary>Kestrel with mutual TLS and a connection handler reading frames from the pipe and writing responses to it.</summary>
    Kestrel,

    /// <summary>Grpc.AspNetCore serving <c>keylessgeo.v1.KeyServer/SignStream</c> with the keyserver's own method binding.</summary>
    Grpc,
}

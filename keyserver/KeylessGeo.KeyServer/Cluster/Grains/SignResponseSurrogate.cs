using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using Orleans;

namespace KeylessGeo.KeyServer.Cluster.Grains;

/// <summary>A <see cref="SignResponse"/> between silos: its protobuf encoding.</summary>
[GenerateSerializer]
[Alias("keylessgeo.sign-response")]
public readonly struct SignResponseSurrogate
{
    [Id(0)]
    public byte[] Encoded { get; init; }
}

/// <summary>Converts <see cref="SignResponse"/> to and from <see cref="SignResponseSurrogate"/> for Orleans.</summary>
[RegisterConverter]
public sealed class SignResponseSurrogateConverter : IConverter<SignResponse, SignResponseSurrogate>
{
    public SignResponse ConvertFromSurrogate(in SignResponseSurrogate surrogate) => SignResponse.Parser.ParseFrom(surrogate.Encoded);

    public SignResponseSurrogate ConvertToSurrogate(in SignResponse value) => new() { Encoded = value.ToByteArray() };
}

using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using Orleans;

namespace KeylessGeo.KeyServer.Cluster.Grains;

/// <summary>A <see cref="SignRequest"/> between silos: its protobuf encoding, so the contract stays the one definition.</summary>
[GenerateSerializer]
[Alias("keylessgeo.sign-request")]
public readonly struct SignRequestSurrogate
{
    [Id(0)]
    public byte[] Encoded { get; init; }
}

/// <summary>Converts <see cref="SignRequest"/> to and from <see cref="SignRequestSurrogate"/> for Orleans.</summary>
[RegisterConverter]
public sealed class SignRequestSurrogateConverter : IConverter<SignRequest, SignRequestSurrogate>
{
    public SignRequest ConvertFromSurrogate(in SignRequestSurrogate surrogate) => SignRequest.Parser.ParseFrom(surrogate.Encoded);

    public SignRequestSurrogate ConvertToSurrogate(in SignRequest value) => new() { Encoded = value.ToByteArray() };
}

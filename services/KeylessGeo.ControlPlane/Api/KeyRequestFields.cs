using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Keys;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>The fields of a key import or rotation body; <see cref="PrivateKey"/> holds the secrets and is disposed with it.</summary>
internal sealed class KeyRequestFields : IDisposable
{
    public string? KeyId { get; init; }

    public string? Policy { get; init; }

    public required KeyMaterial PrivateKey { get; init; }

    public string? Certificate { get; init; }

    public ImmutableArray<string> HostNames { get; init; } = [];

    public void Dispose() => PrivateKey.Dispose();
}

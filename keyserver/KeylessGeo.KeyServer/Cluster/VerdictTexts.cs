namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// The log reasons one policy verdict gives its keys, made once per verdict and shared by every key
/// under the policy (a string per key would cost hundreds of bytes per key at a million keys).
/// </summary>
internal sealed class VerdictTexts
{
    public VerdictTexts(PolicyVerdict verdict, string datacenter, LocalWrappingKey wrappingKey)
    {
        var policy = verdict.Policy;
        var name = $"policy '{policy.Id}' v{policy.Version}";
        Denied = $"{name} does not permit datacenter '{datacenter}'";
        TextRefuses = $"{name} lists datacenter '{datacenter}' as permitted, but its text does not permit it ({verdict.Explanation}); refused as defence in depth";
        NoCopy = $"{name} permits datacenter '{datacenter}', but holds no policy key wrapped to it yet (register the datacenter's wrapping key through the control plane)";
        if (verdict.Copy is { } copy && !string.Equals(copy.WrappingKeyFingerprint, wrappingKey.Fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            WrongWrappingKey =
                $"{name} permits datacenter '{datacenter}', but its policy key was wrapped for wrapping key {copy.WrappingKeyFingerprint} while this keyserver holds {wrappingKey.Fingerprint} ({wrappingKey.Path})";
        }

        Servable = $"{name} permits datacenter '{datacenter}' ({verdict.Explanation})";
    }

    /// <summary>The policy does not list this datacenter.</summary>
    public string Denied { get; }

    /// <summary>Listed, but the text evaluated here does not permit it.</summary>
    public string TextRefuses { get; }

    /// <summary>Permitted, with no copy of the policy key for this datacenter yet.</summary>
    public string NoCopy { get; }

    /// <summary>Permitted, with a copy for another wrapping key than this keyserver's; null when the copy is for this one (or there is none).</summary>
    public string? WrongWrappingKey { get; }

    /// <summary>Permitted and openable here.</summary>
    public string Servable { get; }
}

using KeylessGeo.Transport.Channels;

namespace KeylessGeo.EdgeAgent.Configuration;

/// <summary>Checks the agent's settings and reports every problem at once.</summary>
internal static class EdgeAgentSettingsValidator
{
    public static void Validate(EdgeAgentSettings settings, List<string> failures)
    {
        ValidateAgent(settings.Agent, failures);
        ValidateEndpoint(settings.Endpoint, failures);
        ValidateUpstreams(settings.Upstreams, failures);
    }

    private static void ValidateAgent(AgentOptions agent, List<string> failures)
    {
        const string section = AgentOptions.SectionName;
        if (string.IsNullOrWhiteSpace(agent.Id))
        {
            failures.Add($"{section}:Id is required (the agent's name in logs and metrics).");
        }

        if (string.IsNullOrWhiteSpace(agent.Datacenter))
        {
            failures.Add($"{section}:Datacenter is required (its keyservers are the agent's upstreams).");
        }

        if (agent.DefaultDeadline <= TimeSpan.Zero || agent.DefaultDeadline > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{section}:DefaultDeadline {agent.DefaultDeadline} must be positive and at most one minute.");
        }
    }

    private static void ValidateEndpoint(EndpointOptions endpoint, List<string> failures)
    {
        const string section = EndpointOptions.SectionName;
        foreach (var (name, port) in new[] { ("KeylessPort", endpoint.KeylessPort), ("GrpcPort", endpoint.GrpcPort) })
        {
            if (port is < -1 or > 65535)
            {
                failures.Add($"{section}:{name} {port} is outside -1..65535 (-1 for none, 0 picks a free loopback port).");
            }
        }

        if (endpoint.KeylessPort < 0 && endpoint.GrpcPort < 0 && endpoint.KeylessUnixSocket.Length == 0 && endpoint.GrpcUnixSocket.Length == 0)
        {
            failures.Add($"{section}: no endpoint is configured: set KeylessUnixSocket, KeylessPort, GrpcUnixSocket or GrpcPort.");
        }

        if (endpoint.KeylessUnixSocket.Length > 0 && endpoint.KeylessUnixSocket == endpoint.GrpcUnixSocket)
        {
            failures.Add($"{section}: KeylessUnixSocket and GrpcUnixSocket are the same path '{endpoint.KeylessUnixSocket}'.");
        }

        foreach (var (name, path) in new[] { ("KeylessUnixSocket", endpoint.KeylessUnixSocket), ("GrpcUnixSocket", endpoint.GrpcUnixSocket) })
        {
            if (path.Length > 0 && !Path.IsPathFullyQualified(path))
            {
                failures.Add($"{section}:{name} '{path}' must be an absolute path.");
            }
        }

        if (!TryParseSocketMode(endpoint.SocketMode, out _))
        {
            failures.Add($"{section}:SocketMode '{endpoint.SocketMode}' is not an octal file mode such as 0660 (owner and group only; others never).");
        }
    }

    private static void ValidateUpstreams(UpstreamOptions upstreams, List<string> failures)
    {
        const string section = UpstreamOptions.SectionName;
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        if (upstreams.LocalKeyserver.Length > 0)
        {
            CheckAddress($"{section}:LocalKeyserver", upstreams.LocalKeyserver, failures);
            addresses.Add(upstreams.LocalKeyserver);
        }

        for (var i = 0; i < upstreams.Keyservers.Count; i++)
        {
            var keyserver = upstreams.Keyservers[i];
            var name = $"{section}:Keyservers:{i}";
            CheckAddress($"{name}:Address", keyserver.Address, failures);
            if (!addresses.Add(keyserver.Address))
            {
                failures.Add($"{name}:Address '{keyserver.Address}' is listed twice.");
            }

            if (!(keyserver.Weight > 0) || double.IsInfinity(keyserver.Weight))
            {
                failures.Add($"{name}:Weight {keyserver.Weight} must be a positive number.");
            }
        }

        if (upstreams.LocalKeyserver.Length == 0 && upstreams.Keyservers.Count == 0)
        {
            failures.Add($"{section}: no keyserver is configured: set LocalKeyserver or list Keyservers (discovery starts from them).");
        }

        var anyTls = addresses.Any(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) || upstreams.Discover;
        CheckTlsFiles(upstreams, anyTls, failures);
        if (upstreams.ConnectionsPerUpstream is < 1 or > 64)
        {
            failures.Add($"{section}:ConnectionsPerUpstream {upstreams.ConnectionsPerUpstream} is outside 1..64.");
        }

        if (upstreams.MaxInFlightPerUpstream is < 1 or > 1_000_000)
        {
            failures.Add($"{section}:MaxInFlightPerUpstream {upstreams.MaxInFlightPerUpstream} is outside 1..1000000.");
        }

        if (upstreams.DiscoveryRetryDelay <= TimeSpan.Zero)
        {
            failures.Add($"{section}:DiscoveryRetryDelay {upstreams.DiscoveryRetryDelay} must be positive.");
        }

        CheckPath($"{section}:Local", upstreams.Local, failures);
        CheckPath($"{section}:Datacenter", upstreams.Datacenter, failures);
        if (upstreams.Local.MaxAttempts != 1)
        {
            failures.Add($"{section}:Local:MaxAttempts must be 1: a timeout on the node-local path means overload, and a retry would add load.");
        }

        var breaker = upstreams.Breaker;
        if (!(breaker.FailureRatio is > 0 and <= 1))
        {
            failures.Add($"{section}:Breaker:FailureRatio {breaker.FailureRatio} is outside (0, 1].");
        }

        if (breaker.MinimumThroughput < 2)
        {
            failures.Add($"{section}:Breaker:MinimumThroughput {breaker.MinimumThroughput} must be at least 2.");
        }

        if (breaker.SamplingDuration < TimeSpan.FromMilliseconds(500) || breaker.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            failures.Add($"{section}:Breaker: SamplingDuration ({breaker.SamplingDuration}) and BreakDuration ({breaker.BreakDuration}) must be at least 500 ms.");
        }
    }

    private static void CheckAddress(string name, string address, List<string> failures)
    {
        try
        {
            _ = ChannelAddress.Parse(address, allowInsecure: true);
        }
        catch (ArgumentException e)
        {
            failures.Add($"{name} '{address}': {e.Message}");
        }
    }

    private static void CheckTlsFiles(UpstreamOptions upstreams, bool required, List<string> failures)
    {
        var files = new[] { ("CertificatePath", upstreams.CertificatePath, "the agent's client certificate"), ("KeyPath", upstreams.KeyPath, "its private key"), ("CaPath", upstreams.CaPath, "the CA keyservers' certificates chain to") };
        var given = files.Count(f => f.Item2.Length > 0);
        if (given == 0 && !required)
        {
            return;
        }

        foreach (var (name, path, what) in files)
        {
            if (path.Length == 0)
            {
                failures.Add($"{UpstreamOptions.SectionName}:{name} is required ({what}) for keyservers reached over TLS.");
            }
            else if (!File.Exists(path))
            {
                failures.Add($"{UpstreamOptions.SectionName}:{name} '{path}' does not exist ({what}).");
            }
        }
    }

    private static void CheckPath(string name, PathOptions path, List<string> failures)
    {
        if (path.ConnectTimeout <= TimeSpan.Zero || path.ConnectTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{name}:ConnectTimeout {path.ConnectTimeout} must be positive and at most one minute.");
        }

        if (path.RequestTimeout <= TimeSpan.Zero || path.RequestTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{name}:RequestTimeout {path.RequestTimeout} must be positive and at most one minute.");
        }

        if (path.MaxAttempts is < 1 or > 10)
        {
            failures.Add($"{name}:MaxAttempts {path.MaxAttempts} is outside 1..10.");
        }

        if (path.RetryDelay < TimeSpan.Zero || path.RetryDelay > TimeSpan.FromSeconds(1))
        {
            failures.Add($"{name}:RetryDelay {path.RetryDelay} is outside 0..1 s.");
        }
    }

    /// <summary>Parses an octal mode that grants nothing to others.</summary>
    internal static bool TryParseSocketMode(string text, out UnixFileMode mode)
    {
        mode = default;
        if (text.Length is < 3 or > 4 || text.Any(c => c is < '0' or > '7'))
        {
            return false;
        }

        var value = Convert.ToInt32(text, 8);
        mode = (UnixFileMode)value;
        return (value & 0b111) == 0 && (value & ~0b111_111_111) == 0;
    }
}

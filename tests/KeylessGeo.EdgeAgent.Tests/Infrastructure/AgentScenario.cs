using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.EdgeAgent.Tests.Infrastructure;

/// <summary>
/// The common set-up of the agent's end-to-end tests: TLS material, a key folder with one ECDSA
/// P-256 key ("ec"), an in-process keyserver over it, and an agent whose node-local keyserver it is.
/// </summary>
public sealed class AgentScenario : IAsyncDisposable
{
    private AgentScenario(TestTlsMaterial tls, TestKeyDirectory keys, KeyServerTestHost keyserver, EdgeAgentTestHost agent)
    {
        Tls = tls;
        Keys = keys;
        Keyserver = keyserver;
        Agent = agent;
    }

    public TestTlsMaterial Tls { get; }

    public TestKeyDirectory Keys { get; }

    public KeyServerTestHost Keyserver { get; }

    public EdgeAgentTestHost Agent { get; }

    /// <summary>The SKI of the "ec" key.</summary>
    public byte[] Ski => Keys.Ski("ec");

    /// <summary>Starts it all; <paramref name="keyserverSettings"/> and <paramref name="agentSettings"/> add to the defaults.</summary>
    public static async Task<AgentScenario> StartAsync(
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? keyserverSettings = null,
        IReadOnlyDictionary<string, string?>? agentSettings = null)
    {
        var tls = TestTlsMaterial.Create();
        var keys = new TestKeyDirectory();
        KeyServerTestHost? keyserver = null;
        try
        {
            await keys.AddAsync("ec", TestKeyType.EcP256);
            keyserver = await KeyServerTestHost.StartAsync(keys.Path, tls, keyserverSettings ?? new Dictionary<string, string?>(), cancellationToken);
            var settings = new Dictionary<string, string?>(agentSettings ?? new Dictionary<string, string?>())
            {
                ["Upstreams:LocalKeyserver"] = keyserver.Address.GetLeftPart(UriPartial.Authority),
            };
            var agent = await EdgeAgentTestHost.StartAsync(tls, KeyServerTestHost.Datacenter, settings, cancellationToken);
            return new AgentScenario(tls, keys, keyserver, agent);
        }
        catch
        {
            if (keyserver is not null)
            {
                await keyserver.DisposeAsync();
            }

            keys.Dispose();
            tls.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await Keyserver.DisposeAsync();
        Keys.Dispose();
        Tls.Dispose();
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace KeylessGeo.KeyServer.Tests.Cluster.Membership;

/// <summary>A bare <see cref="ISiloBuilder"/> over a service collection, for registration tests that start no silo.</summary>
internal sealed class TestSiloBuilder : ISiloBuilder
{
    public IServiceCollection Services { get; } = new ServiceCollection();

    public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
}

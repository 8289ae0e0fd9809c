using KeylessGeo.ControlPlane.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using StackExchange.Redis;
using OrleansClusterOptions = Orleans.Configuration.ClusterOptions;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>Plugs the configured membership table (and, for Redis, the grain directory) into an Orleans silo.</summary>
public static class SiloBuilderMembershipExtensions
{
    /// <summary>
    /// Registers the membership of <paramref name="options"/>: the embedded
    /// <see cref="FileMembershipTable"/>, the <see cref="PostgresMembershipTable"/>, or Orleans's
    /// Redis membership table together with the Redis grain directory as the default directory.
    /// The table serves the silo's own cluster (Orleans's <c>ClusterOptions.ClusterId</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The options have problems (<see cref="MembershipOptionsValidator.Problems"/>).</exception>
    public static ISiloBuilder UseKeyServerMembership(this ISiloBuilder builder, MembershipOptions options, ControlPlaneStoreOptions store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var problems = MembershipOptionsValidator.Problems(options, store).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException("membership configuration is not usable: " + string.Join(" ", problems), nameof(options));
        }

        if (options.IsEmbedded)
        {
            var directory = options.ResolveDirectory(store)!;
            return builder.ConfigureServices(services => AddTable(services, sp => new FileMembershipTable(
                directory, ClusterId(sp), sp.GetRequiredService<ILogger<FileMembershipTable>>())));
        }

        if (options.IsPostgres)
        {
            var connectionString = options.ResolvePostgresConnectionString(store)!;
            return builder.ConfigureServices(services => AddTable(services, sp => new PostgresMembershipTable(
                connectionString, ClusterId(sp), sp.GetRequiredService<ILogger<PostgresMembershipTable>>())));
        }

        var redis = options.ConnectionString!;
        return builder
            .UseRedisClustering(redis)
            .UseRedisGrainDirectoryAsDefault(directory => directory.ConfigurationOptions = ConfigurationOptions.Parse(redis));
    }

    // As Orleans's own providers register theirs: the concrete singleton, and the table as it.
    private static void AddTable<T>(IServiceCollection services, Func<IServiceProvider, T> create)
        where T : class, IMembershipTable
    {
        services.AddSingleton(create);
        services.AddSingleton<IMembershipTable>(sp => sp.GetRequiredService<T>());
    }

    private static string ClusterId(IServiceProvider services) =>
        services.GetRequiredService<IOptions<OrleansClusterOptions>>().Value.ClusterId
        ?? throw new InvalidOperationException("Orleans ClusterOptions.ClusterId is not set");
}

using KeylessGeo.KeyServer.Cluster.Membership;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;

namespace KeylessGeo.KeyServer.Tests.Cluster.Membership;

/// <summary>The membership-table contract against the embedded <see cref="FileMembershipTable"/>: every instance of a test on one directory.</summary>
public sealed class FileMembershipTableContractTests : MembershipTableContract
{
    private readonly TempDirectory _work = new();

    protected override IMembershipTable Create(string clusterId) =>
        new FileMembershipTable(Path.Combine(_work.Path, "membership"), clusterId, NullLogger<FileMembershipTable>.Instance);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _work.Dispose();
    }
}

using System.Net;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Transport.Kestrel;
using KeylessGeo.Rpc.Tests.Infrastructure;
using KeylessGeo.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Rpc.Tests.Client;

public sealed class PlaintextLoopbackTests
{
    [Fact]
    public async Task H2cOnLoopback_WorksWhenAllowed_AndHasNoPeerIdentity()
    {
        using var timeout = TestTimeout.Create();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(new GrpcListenOptions { PlaintextEndpoint = new IPEndPoint(IPAddress.Loopback, 0) }));
        builder.Services.AddRpcServer();
        await using var app = builder.Build();
        new FakeKeyServer().Map(app);
        await app.StartAsync(timeout.Token);
        var port = app.Services.GetRequiredService<IServer>().GetBoundAddresses()[0].Port;
        using var channel = new RpcChannel(new RpcChannelOptions { Address = new Uri($"http://127.0.0.1:{port}"), AllowInsecure = true });

        var capacity = await channel.UnaryAsync(KeyServerMethods.GetCapacity, new GetCapacityRequest(), new RpcCallOptions { CancellationToken = timeout.Token });

        Assert.Equal(string.Empty, capacity.ServedBy.KeyserverId);
        await app.StopAsync(timeout.Token);
    }
}

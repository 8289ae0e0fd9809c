using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Signing;

/// <summary>AddKeyServerCore inside a generic host: validation on start and start-up indexing.</summary>
[Collection(TestKeysCollection.Name)]
public sealed class HostedKeyServerTests
{
    private readonly TestKeys _keys;

    public HostedKeyServerTests(TestKeys keys) => _keys = keys;

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddKeyServerCore(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task Start_WithInvalidOptions_FailsWithEveryError()
    {
        using var host = Build(new() { ["KeyServer:Id"] = "", ["KeyServer:Datacenter"] = "d", ["KeyServer:KeysDirectory"] = "/nowhere" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(2, error.Failures.Count());
    }

    [Fact]
    public async Task Start_IndexesKeysAndServesRequests()
    {
        using var host = Build(new()
        {
            ["KeyServer:Id"] = "ks-host",
            ["KeyServer:Datacenter"] = "dc",
            ["KeyServer:KeysDirectory"] = _keys.Directory,
            ["KeyServer:Admission:Workers"] = "1",
            ["KeyServer:Admission:CalibrationDuration"] = "00:00:00",
        });
        await host.StartAsync();
        try
        {
            var signing = host.Services.GetRequiredService<ISigningService>();
            var response = await signing.SignAsync(
                new SignRequest { Id = 5, Key = new KeyRef { Sni = "ed.example.org" }, Operation = Operation.Ed25519, Payload = Google.Protobuf.ByteString.CopyFromUtf8("hello") },
                null,
                CancellationToken.None);

            Assert.Null(response.Error);
            Assert.Equal(64, response.Result.Length);
            Assert.Equal("ks-host", response.ServedBy.KeyserverId);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.EdgeAgent.Tests.Infrastructure;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Keyless;
using KeylessGeo.Transport.Channels;
using Microsoft.Extensions.Options;

namespace KeylessGeo.EdgeAgent.Tests.Hosting;

/// <summary>The agent's Unix-socket endpoints: both protocols served, file modes restricted, stale files replaced, live ones refused.</summary>
public sealed class UnixSocketEndpointTests : IAsyncLifetime
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly TestKeyDirectory _keys = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(90));
    private readonly string _directory = Directory.CreateTempSubdirectory("keylessgeo-agent-sockets-").FullName;

    public Task InitializeAsync() => _keys.AddAsync("ec", TestKeyType.EcP256);

    public Task DisposeAsync()
    {
        _keys.Dispose();
        _tls.Dispose();
        _timeout.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private Dictionary<string, string?> Settings(KeyServerTestHost keyserver) => new()
    {
        ["Upstreams:LocalKeyserver"] = keyserver.Address.GetLeftPart(UriPartial.Authority),
        ["Endpoint:KeylessUnixSocket"] = Path.Combine(_directory, "run", "keyless.sock"),
        ["Endpoint:GrpcUnixSocket"] = Path.Combine(_directory, "run", "grpc.sock"),
        ["Endpoint:SocketMode"] = "0660",
    };

    [Fact]
    public async Task BothProtocols_OverUnixSockets_WithRestrictedModes()
    {
        await using var keyserver = await KeyServerTestHost.StartAsync(_keys.Path, _tls, cancellationToken: _timeout.Token);
        var settings = Settings(keyserver);
        await using var agent = await EdgeAgentTestHost.StartAsync(_tls, KeyServerTestHost.Datacenter, settings, _timeout.Token);
        var keylessSocket = settings["Endpoint:KeylessUnixSocket"]!;
        var grpcSocket = settings["Endpoint:GrpcUnixSocket"]!;
        const UnixFileMode OwnerAndGroup = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

        Assert.Equal(OwnerAndGroup, File.GetUnixFileMode(keylessSocket));
        Assert.Equal(OwnerAndGroup, File.GetUnixFileMode(grpcSocket));

        var digest = SHA256.HashData("over a unix socket"u8);
        await using (var client = await KeylessTestClient.ConnectPlainAsync(new UnixDomainSocketEndPoint(keylessSocket), _timeout.Token))
        {
            var response = await client.ExchangeAsync(
                KeylessTestClient.Encode(1, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digest, Ski = _keys.Ski("ec") }), _timeout.Token);
            Assert.False(response.IsError, response.ToString());
        }

        using var channel = GrpcChannelFactory.Create(new ChannelSettings { Address = "unix:" + grpcSocket });
        var answer = await new Contracts.V1.KeyServer.KeyServerClient(channel).SignAsync(AgentRequests.EcdsaSha256(2, _keys.Ski("ec")), cancellationToken: _timeout.Token);
        Assert.True(answer.Error is null, answer.Error?.Message);
    }

    [Fact]
    public async Task StaleSocketFile_IsReplaced_LiveOne_IsAConfigurationError()
    {
        await using var keyserver = await KeyServerTestHost.StartAsync(_keys.Path, _tls, cancellationToken: _timeout.Token);
        var settings = Settings(keyserver);
        var keylessSocket = settings["Endpoint:KeylessUnixSocket"]!;
        Directory.CreateDirectory(Path.GetDirectoryName(keylessSocket)!);

        // A socket file left by a process that died: bound, then the process exits without removing
        // it (.NET's own sockets remove their file when disposed, so another runtime makes it).
        using (var python = Process.Start("/usr/bin/python3", ["-c", "import os, socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1]); os._exit(0)", keylessSocket])!)
        {
            await python.WaitForExitAsync(_timeout.Token);
            Assert.Equal(0, python.ExitCode);
        }

        Assert.True(File.Exists(keylessSocket));
        await using (var agent = await EdgeAgentTestHost.StartAsync(_tls, KeyServerTestHost.Datacenter, settings, _timeout.Token))
        {
            // While the first agent serves, a second one on the same socket is refused with the reason listed.
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => EdgeAgentTestHost.StartAsync(_tls, KeyServerTestHost.Datacenter, settings, _timeout.Token));
            Assert.Contains(error.Failures, f => f.Contains("Endpoint:KeylessUnixSocket", StringComparison.Ordinal) && f.Contains("another process is listening", StringComparison.Ordinal));
        }
    }
}

using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.Connections;
using KeylessGeo.Testing;
using KeylessGeo.Transport.Channels;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>Issue 12: SIGHUP re-reads the key directory of a keyserver process and does not end it.</summary>
public sealed partial class KeyFolderSignalProcessTests
{
    [Fact]
    public async Task SigHup_ReloadsTheKeyDirectory_AndTheProcessKeepsServing()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var tls = TestTlsMaterial.Create();
        using var keys = new TestKeyDirectory();
        await keys.AddAsync("first", TestKeyType.EcP256);
        await using var keyserver = await KeyServerProcess.StartAsync(keys.Path, tls, new Dictionary<string, string>(), openFileLimit: null, timeout.Token);
        await keyserver.WaitForOutputAsync(WatchingLine(), timeout.Token);

        // Each SIGHUP is one more reload whose causes include the signal (a file event of the start
        // may fall into the same debounce window and be named beside it).
        ProcessSignals.HangUp(keyserver.Pid);
        await keyserver.WaitForOutputAsync(SignalReloadLine(), 1, timeout.Token);
        ProcessSignals.HangUp(keyserver.Pid);
        await keyserver.WaitForOutputAsync(SignalReloadLine(), 2, timeout.Token);

        Assert.False(keyserver.HasExited);
        using var channel = GrpcChannelFactory.Create(new ChannelSettings
        {
            Address = "https://" + keyserver.GrpcEndPoint,
            ClientCertificate = tls.ClientCertificate,
            TrustedCa = tls.TrustedCa,
        });
        var response = await new KeyServerClient(channel).SignAsync(
            new SignRequest { Id = 1, Key = new KeyRef { KeyId = "first" }, Operation = Operation.EcdsaSha256, Payload = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)) },
            cancellationToken: timeout.Token);
        Assert.Equal(SignResponse.OutcomeOneofCase.Result, response.OutcomeCase);
    }

    [GeneratedRegex(@"Watching key directory")]
    private static partial Regex WatchingLine();

    [GeneratedRegex(@"Reloaded key directory .* \((\w+, )*Signal(, \w+)*\): 1 keys served")]
    private static partial Regex SignalReloadLine();
}

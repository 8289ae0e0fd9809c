using System.Security.Cryptography;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>Issue 12: a running keyserver watches every key folder and reloads them as one.</summary>
public sealed class KeyDirectoriesReloadTests : IAsyncLifetime
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(120);
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly TestKeyDirectory _first = new();
    private readonly TestKeyDirectory _second = new();
    private readonly TestKeyDirectory _staging = new();
    private readonly KeyReloadLog _reloads = new();
    private readonly CancellationTokenSource _timeout = new(TestTimeout);

    public Task InitializeAsync() => _first.AddAsync("base", TestKeyType.EcP256);

    public Task DisposeAsync()
    {
        _first.Dispose();
        _second.Dispose();
        _staging.Dispose();
        _tls.Dispose();
        _timeout.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task KeyAddedToTheSecondFolder_SignsWithoutRestart_AndRemovedIsKeyNotFound()
    {
        await using var host = await KeyServerTestHost.StartAsync(
            _first.Path,
            _tls,
            new KeyServerTestHostOptions
            {
                Settings = new Dictionary<string, string?> { ["KeyServer:KeysDirectories:0"] = _second.Path, ["KeyServer:ReloadDebounce"] = "00:00:00.100" },
                LoggerProviders = [_reloads],
            },
            _timeout.Token);
        using var channel = host.CreateChannel();
        var client = new KeyServerClient(channel);
        Assert.Equal(ErrorCode.KeyNotFound, (await SignAsync(client, "second")).Error?.Code);

        await _staging.AddAsync("second", TestKeyType.EcP256);
        var mark = _reloads.Count;
        File.Copy(_staging.PublicKeyPath("second"), _second.PublicKeyPath("second"));
        File.Move(_staging.KeyPath("second"), _second.KeyPath("second"));
        var added = await _reloads.WaitAsync(mark, reload => reload.Served == 2, _timeout.Token);
        Assert.Equal("Change", added.Trigger);

        var digest = RandomNumberGenerator.GetBytes(32);
        var signed = await SignAsync(client, "second", digest);
        Assert.Equal(SignResponse.OutcomeOneofCase.Result, signed.OutcomeCase);
        using (var publicKey = _second.LoadEcdsa("second"))
        {
            Assert.True(publicKey.VerifyHash(digest, signed.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        }

        mark = _reloads.Count;
        File.Delete(_second.KeyPath("second"));
        await _reloads.WaitAsync(mark, reload => reload.Served == 1, _timeout.Token);
        Assert.Equal(ErrorCode.KeyNotFound, (await SignAsync(client, "second")).Error?.Code);
        Assert.Equal(SignResponse.OutcomeOneofCase.Result, (await SignAsync(client, "base")).OutcomeCase);
    }

    private Task<SignResponse> SignAsync(KeyServerClient client, string keyId, byte[]? digest = null) =>
        client.SignAsync(
            new SignRequest
            {
                Id = 1,
                Key = new KeyRef { KeyId = keyId },
                Operation = Operation.EcdsaSha256,
                Payload = ByteString.CopyFrom(digest ?? RandomNumberGenerator.GetBytes(32)),
                TimeoutMs = 30_000,
            },
            cancellationToken: _timeout.Token).ResponseAsync;
}

using System.Security.Cryptography;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.Connections;
using KeylessGeo.Testing;
using Microsoft.Extensions.DependencyInjection;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>Issue 12: the real keyserver picks up, drops and refuses key files without a restart.</summary>
public sealed class KeyFolderReloadTests : IAsyncLifetime
{
    private const string BaseKey = "base";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(120);
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly TestKeyDirectory _keys = new();
    private readonly TestKeyDirectory _staging = new();
    private readonly KeyReloadLog _reloads = new();
    private readonly CancellationTokenSource _timeout = new(TestTimeout);

    public Task InitializeAsync() => _keys.AddAsync(BaseKey, TestKeyType.EcP256);

    public Task DisposeAsync()
    {
        _keys.Dispose();
        _staging.Dispose();
        _tls.Dispose();
        _timeout.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AddedKeyFile_SignsWithoutRestart_AndRemovedOne_IsKeyNotFound()
    {
        await using var host = await StartAsync("00:00:00.200");
        using var channel = host.CreateChannel();
        var client = new KeyServerClient(channel);
        Assert.Equal(ErrorCode.KeyNotFound, (await SignAsync(client, "added")).Error?.Code);

        // An operator's order: public key first, then the private key (mode 0600) moved in.
        await _staging.AddAsync("added", TestKeyType.EcP256);
        var mark = _reloads.Count;
        File.Copy(_staging.PublicKeyPath("added"), _keys.PublicKeyPath("added"));
        File.Move(_staging.KeyPath("added"), _keys.KeyPath("added"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_keys.KeyPath("added")));
        var added = await _reloads.WaitAsync(mark, reload => reload.Served == 2, _timeout.Token);
        Assert.Equal(0, added.Refused);

        var digest = RandomNumberGenerator.GetBytes(32);
        var signed = await SignAsync(client, "added", digest);
        Assert.Equal(SignResponse.OutcomeOneofCase.Result, signed.OutcomeCase);
        using (var publicKey = _keys.LoadEcdsa("added"))
        {
            Assert.True(publicKey.VerifyHash(digest, signed.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        }

        mark = _reloads.Count;
        File.Delete(_keys.KeyPath("added"));
        File.Delete(_keys.PublicKeyPath("added"));
        var removed = await _reloads.WaitAsync(mark, reload => reload.Served == 1, _timeout.Token);
        Assert.Equal("Change", removed.Trigger);
        Assert.Equal(ErrorCode.KeyNotFound, (await SignAsync(client, "added")).Error?.Code);
        Assert.Equal(SignResponse.OutcomeOneofCase.Result, (await SignAsync(client, BaseKey)).OutcomeCase);
    }

    [Fact]
    public async Task MalformedKeyFile_IsReportedByName_AndTheOthersServe()
    {
        await using var host = await StartAsync("00:00:00.050");
        using var metrics = new MeterRecorder(host.Services);
        using var channel = host.CreateChannel();
        var client = new KeyServerClient(channel);

        var mark = _reloads.Count;
        var malformed = Path.Combine(_keys.Path, "malformed.key");
        File.WriteAllText(malformed, "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");
        File.SetUnixFileMode(malformed, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Combine(_keys.Path, "malformed.pub"), "this is not a PEM public key\n");
        var reload = await _reloads.WaitAsync(mark, reload => reload.RefusedFiles.Contains("malformed.key", StringComparison.Ordinal), _timeout.Token);

        Assert.Equal(1, reload.Refused);
        Assert.Equal(1, reload.Served);
        Assert.Contains(host.ErrorLogs, line => line.Contains("KeyStore", StringComparison.Ordinal) && line.Contains(malformed, StringComparison.Ordinal));
        Assert.Equal(SignResponse.OutcomeOneofCase.Result, (await SignAsync(client, BaseKey)).OutcomeCase);
        Assert.Equal(ErrorCode.KeyNotFound, (await SignAsync(client, "malformed")).Error?.Code);
        Assert.True(metrics.Sum(KeyServerInstruments.KeyReloads, (KeyServerInstruments.ReloadResultTag, "refused")) >= 1);
    }

    [Fact]
    public async Task UnlistableDirectory_KeepsTheLastGoodSet_UntilItIsBack()
    {
        await using var host = await StartAsync("00:00:00.050");
        using var metrics = new MeterRecorder(host.Services);
        using var channel = host.CreateChannel();
        var client = new KeyServerClient(channel);
        var watcher = host.Services.GetRequiredService<KeyFolderWatcher>();
        var moved = _keys.Path + "-moved";

        // Loaded now; a failed listing must not drop it (files that cannot be read cannot be loaded).
        Assert.Equal(SignResponse.OutcomeOneofCase.Result, (await SignAsync(client, BaseKey)).OutcomeCase);
        var mark = _reloads.Count;
        Directory.Move(_keys.Path, moved);
        try
        {
            watcher.RequestReload(KeyReloadTriggers.Request);
            var kept = await _reloads.WaitAsync(mark, reload => reload.EventName == "KeyDirectoryReloadKeptLastGoodSet", _timeout.Token);
            Assert.Equal(1, kept.Served);
            Assert.Equal(SignResponse.OutcomeOneofCase.Result, (await SignAsync(client, BaseKey)).OutcomeCase);
            Assert.Equal(1, metrics.Sum(KeyServerInstruments.KeyReloads, (KeyServerInstruments.ReloadResultTag, "unreadable")));
        }
        finally
        {
            Directory.Move(moved, _keys.Path);
        }

        mark = _reloads.Count;
        watcher.RequestReload(KeyReloadTriggers.Request);
        var back = await _reloads.WaitAsync(mark, reload => reload.EventName == "KeyDirectoryReloaded", _timeout.Token);
        Assert.Equal(1, back.Served);
        Assert.Equal(0, back.Removed);
    }

    [Fact]
    public async Task RequestsInFlight_DuringRepeatedReloads_AllSucceed()
    {
        const int Loops = 50;
        const int MinimumRequests = 1_000;
        const int MinimumReloads = 10;
        await using var host = await StartAsync("00:00:00", new Dictionary<string, string?>
        {
            ["KeyServer:Admission:QueueLimit"] = "10000",
            ["KeyServer:Admission:DefaultDeadline"] = "00:01:00",
        });
        using var channel = host.CreateChannel();
        var client = new KeyServerClient(channel);
        var watcher = host.Services.GetRequiredService<KeyFolderWatcher>();
        using var publicKey = _keys.LoadEcdsa(BaseKey);
        var sent = 0;
        var reloads = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var reloader = Task.Run(async () =>
        {
            while (Volatile.Read(ref sent) < MinimumRequests || Volatile.Read(ref reloads) < MinimumReloads)
            {
                var mark = _reloads.Count;
                watcher.RequestReload(KeyReloadTriggers.Request);
                await _reloads.WaitAsync(mark, _ => true, _timeout.Token);
                Interlocked.Increment(ref reloads);
            }
        });
        var loops = Enumerable.Range(0, Loops).Select(_ => Task.Run(async () =>
        {
            // Every loop runs until enough requests were sent and enough reloads happened meanwhile.
            while (Volatile.Read(ref sent) < MinimumRequests || Volatile.Read(ref reloads) < MinimumReloads)
            {
                var digest = RandomNumberGenerator.GetBytes(32);
                var response = await SignAsync(client, BaseKey, digest);
                Interlocked.Increment(ref sent);
                if (response.OutcomeCase != SignResponse.OutcomeOneofCase.Result)
                {
                    failures.Enqueue(response.ToString());
                }
                else if (!publicKey.VerifyHash(digest, response.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence))
                {
                    failures.Enqueue("bad signature");
                }
            }
        })).ToList();

        await Task.WhenAll(loops).WaitAsync(_timeout.Token);
        await reloader.WaitAsync(_timeout.Token);
        Assert.Empty(failures);
        Assert.True(sent >= MinimumRequests, $"{sent} requests");
        Assert.True(reloads >= MinimumReloads, $"{reloads} reloads");
    }

    private Task<KeyServerTestHost> StartAsync(string debounce, Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        settings["KeyServer:ReloadDebounce"] = debounce;
        return KeyServerTestHost.StartAsync(
            _keys.Path, _tls, new KeyServerTestHostOptions { Settings = settings, LoggerProviders = [_reloads] }, _timeout.Token);
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

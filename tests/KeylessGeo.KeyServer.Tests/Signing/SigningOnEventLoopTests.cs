using System.Security.Cryptography;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Tests.Admission;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Serving.Signing;

namespace KeylessGeo.KeyServer.Tests.Signing;

/// <summary>
/// A short operation asked for on an event loop's thread (<see cref="EventLoopThread"/>) is
/// answered there, at once, when a slot is free; otherwise it waits for a worker as any other.
/// </summary>
[Collection(TestKeysCollection.Name)]
public sealed class SigningOnEventLoopTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TestKeys _keys;
    private readonly ManualResetEventSlim _gate = new(false);
    private KeyServerHarness? _server;

    public SigningOnEventLoopTests(TestKeys keys) => _keys = keys;

    private static SignRequest Request(byte[] digest) =>
        new() { Id = 9, Key = new KeyRef { KeyId = TestKeys.EcP256Sec1 }, Operation = Operation.EcdsaSha256, Payload = ByteString.CopyFrom(digest) };

    // Runs the call on a fresh thread marked as an event loop and reports whether it had completed on return.
    private static Task<(bool CompletedOnReturn, ValueTask<SignResponse> Pending)> OnEventLoop(ISigningService signing, SignRequest request)
    {
        var result = new TaskCompletionSource<(bool, ValueTask<SignResponse>)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = new Thread(() =>
        {
            EventLoopThread.MarkCurrent();
            var pending = signing.SignAsync(request, deadline: null, CancellationToken.None);
            result.SetResult((pending.IsCompletedSuccessfully, pending));
        });
        loop.Start();
        return result.Task;
    }

    [Fact]
    public async Task ShortOperation_OnAnEventLoopWithAFreeSlot_IsAnsweredBeforeTheCallReturns()
    {
        var server = _server = new KeyServerHarness(_keys.Directory, workers: 2);
        server.Admission.ServiceTimes.Seed(KeyAlgorithm.EcdsaP256, TimeSpan.FromMicroseconds(30));
        var digest = SHA256.HashData("on the loop"u8);

        var (completedOnReturn, pending) = await OnEventLoop(server.Signing, Request(digest)).WaitAsync(Bound);
        var response = await pending;

        Assert.True(completedOnReturn);
        Assert.Null(response.Error);
        Assert.Equal(9ul, response.Id);
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(File.ReadAllText(_keys.PublicKeyPath(TestKeys.EcP256Sec1)));
        Assert.True(publicKey.VerifyHash(digest, response.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(1, server.Admission.Load.CompletedTotal);
    }

    [Fact]
    public async Task ShortOperation_OnAnEventLoopWithEverySlotBusy_WaitsForAWorker()
    {
        var server = _server = new KeyServerHarness(_keys.Directory, workers: 1);
        server.Admission.ServiceTimes.Seed(KeyAlgorithm.EcdsaP256, TimeSpan.FromMicroseconds(30));
        var blocker = new GatedWorkItem(DateTimeOffset.MaxValue, _gate);
        Assert.True(server.Admission.TryEnqueue(blocker).IsAccepted);
        await blocker.Started.Task.WaitAsync(Bound);

        var (completedOnReturn, pending) = await OnEventLoop(server.Signing, Request(new byte[32])).WaitAsync(Bound);

        Assert.False(completedOnReturn);
        Assert.Equal(1, server.Admission.Load.Queued);
        _gate.Set();
        Assert.Null((await pending.AsTask().WaitAsync(Bound)).Error);
    }

    public void Dispose()
    {
        _gate.Set();
        _server?.Dispose();
        _gate.Dispose();
    }
}

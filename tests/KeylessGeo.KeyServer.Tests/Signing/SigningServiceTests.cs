using KeylessGeo.Testing;
using System.Diagnostics.Metrics;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Tests.Admission;
using KeylessGeo.KeyServer.Tests.Infrastructure;

namespace KeylessGeo.KeyServer.Tests.Signing;

/// <summary>The seam the transports call: request validation, admission outcomes, capacity and metrics.</summary>
[Collection(TestKeysCollection.Name)]
public sealed class SigningServiceTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TestKeys _keys;
    private readonly ManualResetEventSlim _gate = new(false);
    private readonly ManualClock _time = new();
    private KeyServerHarness? _server;

    public SigningServiceTests(TestKeys keys) => _keys = keys;

    private KeyServerHarness Server(int workers = 2, int queueLimit = 64, TimeProvider? time = null) =>
        _server = new KeyServerHarness(_keys.Directory, workers: workers, queueLimit: queueLimit, time: time);

    private static SignRequest Request(string keyId, Operation operation, int payloadLength, ulong id = 7) =>
        new() { Id = id, Key = new KeyRef { KeyId = keyId }, Operation = operation, Payload = ByteString.CopyFrom(new byte[payloadLength]) };

    private async Task BlockTheOnlyWorkerAsync(KeyServerHarness server)
    {
        var blocker = new GatedWorkItem(DateTimeOffset.MaxValue, _gate);
        Assert.True(server.Admission.TryEnqueue(blocker).IsAccepted);
        await blocker.Started.Task.WaitAsync(Bound);
    }

    [Theory]
    [InlineData(TestKeys.Rsa2048Pkcs1, Operation.EcdsaSha256, "OPERATION_ECDSA_SHA256", "rsa2048")]
    [InlineData(TestKeys.EcP384Sec1, Operation.RsaPssSha384, "OPERATION_RSA_PSS_SHA384", "ecdsa-p384")]
    [InlineData(TestKeys.Ed25519, Operation.RsaDecryptRaw, "OPERATION_RSA_DECRYPT_RAW", "ed25519")]
    [InlineData(TestKeys.EcP256Sec1, Operation.Ed25519, "OPERATION_ED25519", "ecdsa-p256")]
    public async Task Sign_WhenOperationDoesNotFitTheKey_ReturnsBadRequestNamingBoth(string key, Operation operation, string operationName, string algorithm)
    {
        var response = await Server().Signing.SignAsync(Request(key, operation, 32), null, CancellationToken.None);

        Assert.Equal(ErrorCode.BadRequest, response.Error.Code);
        Assert.Contains(operationName, response.Error.Message, StringComparison.Ordinal);
        Assert.Contains(algorithm, response.Error.Message, StringComparison.Ordinal);
        Assert.Equal(7UL, response.Id);
    }

    [Theory]
    [InlineData(Operation.Unspecified)]
    [InlineData((Operation)99)]
    public async Task Sign_WhenOperationIsUnspecifiedOrUnknown_ReturnsBadRequest(Operation operation)
    {
        var response = await Server().Signing.SignAsync(Request(TestKeys.Rsa2048Pkcs1, operation, 32), null, CancellationToken.None);

        Assert.Equal(ErrorCode.BadRequest, response.Error.Code);
        Assert.Contains("operation", response.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestKeys.Rsa2048Pkcs1, Operation.RsaPkcs1Sha256, 31, "payload must be 32 bytes for OPERATION_RSA_PKCS1_SHA256, got 31")]
    [InlineData(TestKeys.Rsa2048Pkcs1, Operation.RsaPkcs1Md5Sha1, 20, "payload must be 36 bytes for OPERATION_RSA_PKCS1_MD5_SHA1, got 20")]
    [InlineData(TestKeys.Rsa3072Pkcs1, Operation.RsaDecryptPkcs1, 256, "payload must be 384 bytes for OPERATION_RSA_DECRYPT_PKCS1, got 256")]
    [InlineData(TestKeys.EcP256Sec1, Operation.EcdsaSha384, 32, "payload must be 48 bytes for OPERATION_ECDSA_SHA384, got 32")]
    public async Task Sign_WhenPayloadLengthIsWrong_ReturnsBadRequestWithBothLengths(string key, Operation operation, int length, string message)
    {
        var response = await Server().Signing.SignAsync(Request(key, operation, length), null, CancellationToken.None);

        Assert.Equal(ErrorCode.BadRequest, response.Error.Code);
        Assert.Equal(message, response.Error.Message);
    }

    [Fact]
    public async Task Sign_WhenQueueIsFull_ReturnsOverloadedAtOnce()
    {
        var server = Server(workers: 1, queueLimit: 1);
        await BlockTheOnlyWorkerAsync(server);
        var queued = server.Signing.SignAsync(Request(TestKeys.EcP256Sec1, Operation.EcdsaSha256, 32, id: 1), null, CancellationToken.None);

        var rejected = await server.Signing.SignAsync(Request(TestKeys.EcP256Sec1, Operation.EcdsaSha256, 32, id: 2), null, CancellationToken.None);

        Assert.Equal(ErrorCode.Overloaded, rejected.Error.Code);
        Assert.Contains("queue full", rejected.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2UL, rejected.Id);
        Assert.Equal("tst1", rejected.ServedBy.Datacenter);
        Assert.False(queued.IsCompleted);
        var load = server.Signing.GetCapacity().Load;
        Assert.Equal((1u, 1u, 1u, 1u, 1ul), (load.InFlight, load.Queued, load.ConcurrencyLimit, load.QueueLimit, load.RejectedOverloadedTotal));
        _gate.Set();
        Assert.Null((await queued.AsTask().WaitAsync(Bound)).Error);
    }

    [Fact]
    public async Task Sign_WhenDeadlinePassesWhileQueued_ReturnsDeadlineExceeded()
    {
        var server = Server(workers: 1, time: _time);
        await BlockTheOnlyWorkerAsync(server);
        var pending = server.Signing.SignAsync(Request(TestKeys.EcP256Sec1, Operation.EcdsaSha256, 32), _time.GetUtcNow().AddSeconds(1), CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(2));
        _gate.Set();
        var response = await pending.AsTask().WaitAsync(Bound);

        Assert.Equal(ErrorCode.DeadlineExceeded, response.Error.Code);
        Assert.Equal(0, server.Keys.PrivateKeyLoadsTotal);
    }

    [Fact]
    public async Task Sign_WhenDeadlineAlreadyPassed_ReturnsDeadlineExceeded()
    {
        var server = Server(time: _time);

        var response = await server.Signing.SignAsync(Request(TestKeys.EcP256Sec1, Operation.EcdsaSha256, 32), _time.GetUtcNow().AddTicks(-1), CancellationToken.None);

        Assert.Equal(ErrorCode.DeadlineExceeded, response.Error.Code);
    }

    [Fact]
    public async Task Sign_WhenCancelledWhileQueued_ThrowsOperationCanceledAndDoesNoWork()
    {
        var server = Server(workers: 1);
        await BlockTheOnlyWorkerAsync(server);
        using var cancellation = new CancellationTokenSource();
        var pending = server.Signing.SignAsync(Request(TestKeys.EcP256Sec1, Operation.EcdsaSha256, 32), null, cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.AsTask().WaitAsync(Bound));
        _gate.Set();
        Assert.Null((await server.SignAsync(TestKeys.EcP256Sec1, Operation.EcdsaSha256, new byte[32])).Error);
        Assert.Equal(1, server.Keys.PrivateKeyLoadsTotal);
    }

    [Fact]
    public async Task Sign_RecordsOperationsByOperationAlgorithmAndErrorCode()
    {
        var server = Server();
        // The operation counter is observable: totals per tag combination, read when collected.
        var totals = new Dictionary<(string Operation, string Algorithm, string Code), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == KeyServerInstruments.MeterName && instrument.Name == KeyServerInstruments.Operations)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var map = tags.ToArray().ToDictionary(t => t.Key, t => (string)t.Value!);
            lock (totals)
            {
                totals[(map[KeyServerInstruments.OperationTag], map[KeyServerInstruments.AlgorithmTag], map[KeyServerInstruments.ErrorCodeTag])] = value;
            }
        });
        listener.Start();

        await server.SignAsync(TestKeys.EcP256Sec1, Operation.EcdsaSha256, new byte[32]);
        await server.SignAsync("missing", Operation.EcdsaSha256, new byte[32]);
        await server.SignAsync(TestKeys.EcP256Sec1, (Operation)1000, new byte[32]);
        await server.SignAsync(TestKeys.EcP256Sec1, (Operation)2000, new byte[32]);
        listener.RecordObservableInstruments();

        Assert.Equal(1, totals[("OPERATION_ECDSA_SHA256", "ecdsa-p256", "OK")]);
        Assert.Equal(1, totals[("OPERATION_ECDSA_SHA256", "unknown", "KEY_NOT_FOUND")]);

        // Numbers outside the contract share one tag value: no unbounded time series.
        Assert.Equal(2, totals[("OPERATION_UNKNOWN", "ecdsa-p256", "BAD_REQUEST")]);
        Assert.DoesNotContain(totals.Keys, entry => entry.Operation.Contains("1000", StringComparison.Ordinal));
        Assert.Equal(3, totals.Count);
    }

    [Fact]
    public void GetCapacity_ReportsServedByAcceleratorAndLimits()
    {
        var capacity = Server(workers: 2, queueLimit: 64).Signing.GetCapacity();

        Assert.Equal("ks-test-1", capacity.ServedBy.KeyserverId);
        Assert.Equal("", capacity.Accelerator.Kind);
        Assert.Equal(1.0, capacity.Accelerator.Multiplier);
        Assert.Equal(2u, capacity.Load.ConcurrencyLimit);
        Assert.Equal(64u, capacity.Load.QueueLimit);
    }

    public void Dispose()
    {
        _gate.Set();
        _server?.Dispose();
        _gate.Dispose();
    }
}

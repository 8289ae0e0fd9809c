using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Client;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>
/// Deadlines racing responses on real time. The outcome of each request is not fixed, but the
/// invariants are: a result is that request's own signature or DEADLINE_EXCEEDED, and nothing
/// stays counted in flight once every call has returned.
/// </summary>
public sealed class KeylessClientRaceTests
{
    [Fact]
    public async Task Sign_WhenDeadlinesRaceResponses_EveryResultIsItsOwnSignatureOrDeadlineExceeded()
    {
        const int count = 3000;
        await using var harness = ClientHarness.Start(o => o with { ConnectionCount = 2, MaxInFlightPerConnection = 4096 });
        var random = new Random(20261121);
        var digests = new byte[count][];
        var calls = new Task<KeylessResult>[count];

        for (var i = 0; i < count; i++)
        {
            digests[i] = ClientHarness.Digest();
            var timeout = TimeSpan.FromMicroseconds(random.Next(200, 20_000));
            calls[i] = harness.Client.SignAsync(ClientHarness.EcdsaSign(digests[i]), timeout).AsTask();
        }

        var results = await Task.WhenAll(calls).WaitAsync(ClientHarness.Bound);

        Assert.Equal(0, harness.Client.InFlight);
        for (var i = 0; i < count; i++)
        {
            if (!results[i].IsSuccess)
            {
                Assert.Equal(ErrorCode.DeadlineExceeded, results[i].Code);
            }
            else
            {
                Assert.True(harness.Signer.VerifyEcdsa(digests[i], results[i].Value), $"request {i} received another request's answer");
            }
        }

        // Pooled request objects reused after all those races still get their own answers.
        var more = Enumerable.Range(0, 200).Select(_ => ClientHarness.Digest()).ToArray();
        var after = await Task.WhenAll(more.Select(d => harness.Client.SignAsync(ClientHarness.EcdsaSign(d), ClientHarness.Generous).AsTask()))
            .WaitAsync(ClientHarness.Bound);
        Assert.All(after.Zip(more), pair => Assert.True(harness.Signer.VerifyEcdsa(pair.Second, pair.First.Value), pair.First.ToString()));
        Assert.Equal(0, harness.Client.InFlight);
    }
}

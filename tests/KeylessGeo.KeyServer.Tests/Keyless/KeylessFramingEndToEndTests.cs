using System.Security.Authentication;
using System.Security.Cryptography;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Testing.Keyless;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>
/// Framing errors make the stream unreadable: the offending id is answered, after every request
/// read before it, and then the connection is closed.
/// </summary>
public abstract class KeylessFramingEndToEndTests(KeylessFixture fixture)
{
    /// <summary>These tests on the default transport, Kestrel.</summary>
    [Collection(KeylessCollection.Name)]
    public sealed class OnKestrel(KeylessFixture fixture) : KeylessFramingEndToEndTests(fixture);

    /// <summary>These tests on the epoll transport.</summary>
    [Collection(EpollKeylessCollection.Name)]
    public sealed class OnEpoll(EpollKeylessFixture fixture) : KeylessFramingEndToEndTests(fixture);

    private const int InFlight = 16;
    private const uint FatalId = 999;

    [Theory]
    [MemberData(nameof(KeylessFixture.TlsVersions), MemberType = typeof(KeylessFixture))]
    public async Task VersionTwoFrame_IsAnsweredVersionMismatchAfterEarlierRequests_ThenTheConnectionCloses(SslProtocols protocol)
    {
        var body = KeylessTestClient.Ping(0, [1, 2, 3], pad: false)[KeylessHeader.Size..];
        var fatal = RawFrames.WithBody(FatalId, 2, body);

        await AssertAnsweredThenClosedAsync(protocol, fatal, KeylessError.VersionMismatch);
    }

    [Theory]
    [MemberData(nameof(KeylessFixture.TlsVersions), MemberType = typeof(KeylessFixture))]
    public async Task BodyLongerThanTheLimit_IsAnsweredFormatErrorAfterEarlierRequests_ThenTheConnectionCloses(SslProtocols protocol)
    {
        var fatal = RawFrames.Header(FatalId, KeylessHeader.MajorVersion, KeylessCodecOptions.DefaultMaxBodyLength + 1)
            .Concat(new byte[100])
            .ToArray();

        await AssertAnsweredThenClosedAsync(protocol, fatal, KeylessError.FormatError);
    }

    [Fact]
    public async Task BodyAtTheLimit_IsRead()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var client = await fixture.ConnectAsync(SslProtocols.Tls13, timeout.Token);
        var payload = RandomNumberGenerator.GetBytes(KeylessCodecOptions.DefaultMaxBodyLength - (2 * KeylessHeader.ItemHeaderSize) - 1);
        var ping = KeylessTestClient.Ping(5, payload, pad: false);
        Assert.Equal(KeylessCodecOptions.DefaultMaxBodyLength, ping.Length - KeylessHeader.Size);

        var response = await client.ExchangeAsync(ping, timeout.Token);

        Assert.Equal(payload, response.Payload);
    }

    [Theory]
    [MemberData(nameof(KeylessFixture.TlsVersions), MemberType = typeof(KeylessFixture))]
    public async Task ClientHalfClose_IsAnsweredForEverythingSent_ThenTheServerCloses(SslProtocols protocol)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var bytes = new List<byte>();
        for (uint id = 1; id <= InFlight; id++)
        {
            bytes.AddRange(fixture.SignBySki(id, KeylessFixture.Rsa4096, KeylessOpcode.RsaSignSha256, new byte[32]));
        }

        await using var client = await fixture.ConnectAsync(protocol, timeout.Token);
        await client.WriteAsync(bytes.ToArray(), timeout.Token);
        await client.ShutdownAsync();

        var ids = new HashSet<uint>();
        while (await client.ReadAsync(timeout.Token) is { } response)
        {
            Assert.False(response.IsError, response.ToString());
            Assert.True(ids.Add(response.Id));
        }

        Assert.Equal(InFlight, ids.Count);
    }

    /// <summary>
    /// Sends slow RSA-4096 signatures, then the fatal frame, then a ping, in one write: every
    /// signature must come back before the fatal frame's answer, the ping never, then the end.
    /// </summary>
    private async Task AssertAnsweredThenClosedAsync(SslProtocols protocol, byte[] fatal, KeylessError expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var digests = new Dictionary<uint, byte[]>();
        var bytes = new List<byte>();
        for (uint id = 1; id <= InFlight; id++)
        {
            digests[id] = RandomNumberGenerator.GetBytes(32);
            bytes.AddRange(fixture.SignBySki(id, KeylessFixture.Rsa4096, KeylessOpcode.RsaSignSha256, digests[id]));
        }

        bytes.AddRange(fatal);
        bytes.AddRange(KeylessTestClient.Ping(FatalId + 1, [9]));
        await using var client = await fixture.ConnectAsync(protocol, timeout.Token);
        await client.WriteAsync(bytes.ToArray(), timeout.Token);

        using var rsa = fixture.Keys.LoadRsa(KeylessFixture.Rsa4096);
        for (var answered = 0; answered < InFlight; answered++)
        {
            var response = await client.ReadAsync(timeout.Token);
            Assert.NotNull(response);
            Assert.False(response.IsError, response.ToString());
            Assert.True(digests.Remove(response.Id), $"unexpected or repeated id {response.Id}");
        }

        var last = await client.ReadAsync(timeout.Token);
        Assert.NotNull(last);
        Assert.Equal(FatalId, last.Id);
        Assert.True(last.IsError);
        Assert.Equal(expected, last.Error);
        Assert.Null(await ReadOrNullAsync(client, timeout.Token));
    }

    /// <summary>The next response, or null when the connection was closed (cleanly or by a reset).</summary>
    internal static async Task<KeylessTestResponse?> ReadOrNullAsync(KeylessTestClient client, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ReadAsync(cancellationToken);
        }
        catch (IOException)
        {
            return null;
        }
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Transport.Channels;
using KeylessGeo.Transport.Tls;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.StackFloor;

/// <summary>
/// Checks a gRPC server's <c>SignStream</c> before anyone measures it (the LoadGen counts answers
/// but does not verify them): for every key, signatures on one stream, several in flight, verify
/// with the certificate beside the key file (<c>NAME.crt</c>); an unknown key is KEY_NOT_FOUND; a
/// client without a certificate is refused. Used against <c>--stack grpc</c> and the keyserver alike.
/// </summary>
internal static class GrpcCheck
{
    private const int InFlight = 4;

    /// <summary>Returns null when every check passes, otherwise what failed.</summary>
    public static async Task<string?> RunAsync(FloorOptions options)
    {
        var ca = MutualTls.LoadPemBundle(options.Ca);
        using var client = MutualTls.LoadPem(options.Certificate, options.Key);
        using var channel = GrpcChannelFactory.Create(new ChannelSettings { Address = options.CheckGrpc!.ToString(), ClientCertificate = client, TrustedCa = ca });
        var keyServer = new KeyServerClient(channel);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var call = keyServer.SignStream(cancellationToken: timeout.Token);
        var expected = new Dictionary<ulong, (string Key, byte[] Digest)>();
        ulong id = 0;
        foreach (var path in options.SignKeys)
        {
            var keyId = Path.GetFileNameWithoutExtension(path);
            var operation = IsRsa(path) ? Operation.RsaPkcs1Sha256 : Operation.EcdsaSha256;
            for (var i = 0; i < InFlight; i++)
            {
                var digest = RandomNumberGenerator.GetBytes(32);
                expected[++id] = (path, digest);
                await call.RequestStream.WriteAsync(Request(id, keyId, operation, digest)).ConfigureAwait(false);
            }
        }

        var unknown = ++id;
        await call.RequestStream.WriteAsync(Request(unknown, "no-such-key", Operation.EcdsaSha256, new byte[32])).ConfigureAwait(false);
        await call.RequestStream.CompleteAsync().ConfigureAwait(false);

        var answered = 0;
        await foreach (var response in call.ResponseStream.ReadAllAsync(timeout.Token).ConfigureAwait(false))
        {
            answered++;
            if (response.Id == unknown)
            {
                if (response.Error?.Code != ErrorCode.KeyNotFound)
                {
                    return $"request {unknown} for an unknown key: expected KEY_NOT_FOUND, got {response}";
                }

                continue;
            }

            if (!expected.Remove(response.Id, out var sent))
            {
                return $"a response with id {response.Id} that was not asked for (or twice)";
            }

            if (response.OutcomeCase != SignResponse.OutcomeOneofCase.Result || !Verifies(sent.Key, sent.Digest, response.Result.ToByteArray()))
            {
                return $"request {response.Id} ({Path.GetFileName(sent.Key)}): the answer does not verify with its certificate: {response}";
            }
        }

        if (expected.Count > 0 || answered != (int)id)
        {
            return $"{expected.Count} requests were not answered";
        }

        return await RefusesAnonymousAsync(options.CheckGrpc, ca).ConfigureAwait(false);
    }

    private static async Task<string?> RefusesAnonymousAsync(Uri address, X509Certificate2Collection ca)
    {
        using var channel = GrpcChannelFactory.Create(new ChannelSettings { Address = address.ToString(), TrustedCa = ca });
        try
        {
            await new KeyServerClient(channel).SignAsync(Request(1, "x", Operation.EcdsaSha256, new byte[32]), deadline: DateTime.UtcNow.AddSeconds(10));
            return "a client without a certificate was served";
        }
        catch (RpcException)
        {
            return null;
        }
    }

    private static SignRequest Request(ulong id, string keyId, Operation operation, byte[] digest) => new()
    {
        Id = id,
        Key = new KeyRef { KeyId = keyId },
        Operation = operation,
        Payload = ByteString.CopyFrom(digest),
    };

    private static bool IsRsa(string keyPath)
    {
        using var certificate = Certificate(keyPath);
        return certificate.GetRSAPublicKey() is not null;
    }

    private static bool Verifies(string keyPath, byte[] digest, byte[] signature)
    {
        using var certificate = Certificate(keyPath);
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        using var ecdsa = certificate.GetECDsaPublicKey() ?? throw new InvalidOperationException($"{keyPath}: neither RSA nor ECDSA");
        return ecdsa.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static X509Certificate2 Certificate(string keyPath) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.ChangeExtension(keyPath, ".crt")));
}

using System.Diagnostics;
using System.Security.Cryptography;
using KeylessGeo.KeyServer.Crypto;
using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Capacity;

/// <summary>
/// Measures single-thread signing speed per algorithm with freshly generated ephemeral keys
/// (never a customer key). Runs on the calling thread.
/// </summary>
internal static class CapacityCalibrator
{
    /// <summary>Signs with <paramref name="algorithm"/> for about <paramref name="duration"/>; returns the time per operation.</summary>
    public static TimeSpan MeasureServiceTime(KeyAlgorithm algorithm, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var signer = CreateSigner(algorithm);
        Span<byte> digest = stackalloc byte[32];
        RandomNumberGenerator.Fill(digest);
        Span<byte> signature = stackalloc byte[1024];

        // One warm-up operation so first-use costs are not measured.
        signer.Sign(digest, signature);
        var operations = 0;
        var started = Stopwatch.GetTimestamp();
        do
        {
            signer.Sign(digest, signature);
            operations++;
        }
        while (Stopwatch.GetElapsedTime(started) < duration && !cancellationToken.IsCancellationRequested);

        return Stopwatch.GetElapsedTime(started) / operations;
    }

    private static EphemeralSigner CreateSigner(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.Rsa2048 => EphemeralSigner.Rsa(2048),
        KeyAlgorithm.Rsa3072 => EphemeralSigner.Rsa(3072),
        KeyAlgorithm.Rsa4096 => EphemeralSigner.Rsa(4096),
        KeyAlgorithm.EcdsaP256 => EphemeralSigner.Ecdsa(ECCurve.NamedCurves.nistP256),
        KeyAlgorithm.EcdsaP384 => EphemeralSigner.Ecdsa(ECCurve.NamedCurves.nistP384),
        KeyAlgorithm.EcdsaP521 => EphemeralSigner.Ecdsa(ECCurve.NamedCurves.nistP521),
        _ => EphemeralSigner.Ed25519(),
    };

    private sealed class EphemeralSigner : IDisposable
    {
        private readonly RSAOpenSsl? _rsa;
        private readonly ECDsaOpenSsl? _ecdsa;
        private readonly SafeEvpPKeyHandle? _ed25519;

        private EphemeralSigner(RSAOpenSsl? rsa, ECDsaOpenSsl? ecdsa, SafeEvpPKeyHandle? ed25519)
        {
            _rsa = rsa;
            _ecdsa = ecdsa;
            _ed25519 = ed25519;
        }

        public static EphemeralSigner Rsa(int bits) => new(new RSAOpenSsl(bits), null, null);

        public static EphemeralSigner Ecdsa(ECCurve curve) => new(null, new ECDsaOpenSsl(curve), null);

        public static EphemeralSigner Ed25519()
        {
            Span<byte> seed = stackalloc byte[32];
            RandomNumberGenerator.Fill(seed);
            try
            {
                return new(null, null, OpenSslEd25519.FromSeed(seed));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(seed);
            }
        }

        public void Sign(ReadOnlySpan<byte> digest, Span<byte> signature)
        {
            if (_rsa is not null)
            {
                _rsa.TrySignHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out _);
            }
            else if (_ecdsa is not null)
            {
                _ecdsa.TrySignHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence, out _);
            }
            else
            {
                OpenSslEd25519.Sign(_ed25519!, digest, signature);
            }
        }

        public void Dispose()
        {
            _rsa?.Dispose();
            _ecdsa?.Dispose();
            _ed25519?.Dispose();
        }
    }
}

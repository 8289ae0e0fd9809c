using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// A private key on a PKCS#11 token: "loading" it yields a device key that performs each
/// operation through the token's session pool. The object handle is found once per token epoch
/// (by CKA_ID, CKA_LABEL and key type, checked against the indexed public key) and found again
/// after the token was re-opened.
/// </summary>
internal sealed class Pkcs11KeySource : IPrivateKeySource, IDevicePrivateKey
{
    private readonly byte[] _id;
    private readonly string _label;
    private readonly byte[] _subjectPublicKeyInfo;
    private readonly CKK _keyType;
    private readonly int _modulusBytes;
    private readonly ILogger _logger;
    private CachedHandle? _handle;

    public Pkcs11KeySource(Pkcs11Token token, string keyId, Pkcs11FoundKey found, KeyKind kind, int modulusBytes, ILogger logger)
    {
        Token = token;
        KeyId = keyId;
        _id = found.Id;
        _label = found.Label;
        _subjectPublicKeyInfo = found.SubjectPublicKeyInfo;
        _keyType = kind == KeyKind.Rsa ? CKK.CKK_RSA : CKK.CKK_EC;
        _modulusBytes = modulusBytes;
        _logger = logger;
        if (found.Handle is { } handle)
        {
            _handle = new CachedHandle(token.Epoch, handle);
        }
    }

    /// <summary>The token holding the key.</summary>
    public Pkcs11Token Token { get; }

    /// <summary>The key id the key is indexed under.</summary>
    public string KeyId { get; }

    /// <summary>True when this source describes the same object as <paramref name="found"/> on <paramref name="token"/>.</summary>
    public bool IsSameKey(Pkcs11Token token, Pkcs11FoundKey found) =>
        ReferenceEquals(token, Token) && found.SubjectPublicKeyInfo.AsSpan().SequenceEqual(_subjectPublicKeyInfo) &&
        found.Id.AsSpan().SequenceEqual(_id) && found.Label == _label;

    // Token keys are not control-plane keys: a reload replaces their index entries like key files'.
    public bool IsRetired => false;

    public void Retire()
    {
    }

    public PrivateKey Load(IndexedKey key) => PrivateKey.ForDevice(key, this);

    public ValueTask<IDisposable?> WaitForCapacityAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Token.WaitAsync(timeout, cancellationToken);

    public byte[] Execute(Operation operation, ReadOnlySpan<byte> payload)
    {
        var input = payload.ToArray();
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return Token.Run(session => Pkcs11Operations.Execute(session, Handle(session), operation, input, _modulusBytes));
                }
                catch (Pkcs11Exception e) when (Pkcs11ReturnValues.IsStaleHandle(e.RV) && attempt == 0)
                {
                    // The token was re-opened since the handle was found: find the object again, once.
                    _handle = null;
                }
                catch (Pkcs11Exception e) when (Pkcs11ReturnValues.IsInputRejected(e.RV))
                {
                    throw new CryptographicException($"the token rejected the input ({e.RV})");
                }
                catch (Pkcs11Exception e)
                {
                    Pkcs11Log.OperationFailed(_logger, KeyId, Token.Identity.ToString(), e.Method, e.RV.ToString());
                    throw new Pkcs11TokenException($"{Token.Identity}: {e.Method} returned {e.RV}", e);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    private IObjectHandle Handle(ISession session)
    {
        var epoch = Token.Epoch;
        if (Volatile.Read(ref _handle) is { } cached && cached.Epoch == epoch)
        {
            return cached.Handle;
        }

        foreach (var candidate in Pkcs11KeyFinder.FindCandidates(session, _id, _label, _keyType))
        {
            var (found, _) = Pkcs11KeyFinder.Describe(session, candidate);
            if (found is not null && found.SubjectPublicKeyInfo.AsSpan().SequenceEqual(_subjectPublicKeyInfo))
            {
                Volatile.Write(ref _handle, new CachedHandle(epoch, candidate));
                return candidate;
            }
        }

        throw new Pkcs11TokenException($"{Token.Identity} no longer holds the private key '{KeyId}' (it is dropped at the next reload)");
    }

    private sealed record CachedHandle(long Epoch, IObjectHandle Handle);
}

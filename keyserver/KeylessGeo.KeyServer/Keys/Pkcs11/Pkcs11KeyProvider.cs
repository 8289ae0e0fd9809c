using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.KeyServer.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// Reads the keys the configured <c>pkcs11:</c> URIs select, for the key store to index with the
/// key directory's (on start-up and every reload). Tokens and their session pools live as long
/// as the keyserver. A token that cannot be read keeps the keys an earlier read found (their
/// requests fail with <c>INTERNAL</c> until it is back); a token that refuses the login is read
/// through its public key objects, so its keys are known too.
/// </summary>
internal sealed class Pkcs11KeyProvider : IDisposable
{
    private static readonly TimeSpan ReloadSessionWait = TimeSpan.FromSeconds(30);
    private readonly List<Pkcs11Uri> _uris = [];
    private readonly Pkcs11Options _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Pkcs11Module> _modules = new(StringComparer.Ordinal);
    private readonly Dictionary<Pkcs11TokenIdentity, Pkcs11Token> _tokens = [];
    private readonly Lock _lock = new();
    private List<IndexedKey>[] _lastKnown;
    private bool _disposed;

    public Pkcs11KeyProvider(IOptions<KeyServerOptions> options, TimeProvider time, ILogger<Pkcs11KeyProvider> logger)
    {
        _options = options.Value.Pkcs11 ?? new Pkcs11Options();
        _time = time;
        _logger = logger;
        foreach (var text in _options.Uris ?? [])
        {
            // Validated at start-up (KeyServerOptionsValidator); an embedder that skipped that sees it logged.
            if (Pkcs11UriParser.TryParse(text ?? "", out var error) is { } uri)
            {
                _uris.Add(uri);
            }
            else
            {
                Pkcs11Log.ModuleFailed(logger, Pkcs11UriParser.Redact(text ?? ""), error ?? "invalid URI");
            }
        }

        _lastKnown = new List<IndexedKey>[_uris.Count];
        for (var i = 0; i < _lastKnown.Length; i++)
        {
            _lastKnown[i] = [];
        }
    }

    /// <summary>
    /// Reads every URI's keys (blocking: token calls) and returns them as index entries of
    /// <paramref name="generation"/>, with key ids distinct from <paramref name="directoryKeys"/>'.
    /// </summary>
    public IReadOnlyList<IndexedKey> ReadKeys(long generation, IReadOnlyList<IndexedKey> directoryKeys)
    {
        if (_uris.Count == 0)
        {
            return [];
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in directoryKeys)
            {
                taken.Add(key.KeyId);
            }

            var seen = new HashSet<(Pkcs11Token, string)>();
            var result = new List<IndexedKey>();
            for (var i = 0; i < _uris.Count; i++)
            {
                foreach (var key in ReadUri(i, generation))
                {
                    var source = (Pkcs11KeySource)key.Source!;
                    if (!seen.Add((source.Token, Convert.ToHexString(key.SubjectPublicKeyInfo))))
                    {
                        // Two URIs selecting one key: served once.
                        continue;
                    }

                    var entry = key;
                    if (!taken.Add(key.KeyId))
                    {
                        var unique = $"{key.KeyId}-{Convert.ToHexStringLower(key.Ski)[..8]}";
                        if (!taken.Add(unique))
                        {
                            continue;
                        }

                        Pkcs11Log.KeyIdTaken(_logger, key.KeyId, unique);
                        entry = key with { KeyId = unique };
                    }

                    result.Add(entry);
                }
            }

            return result;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var token in _tokens.Values)
            {
                token.Dispose();
            }

            foreach (var module in _modules.Values)
            {
                module.Dispose();
            }
        }
    }

    private List<IndexedKey> ReadUri(int index, long generation)
    {
        var uri = _uris[index];
        var previous = _lastKnown[index];
        if (Module(uri) is not { } module)
        {
            return previous;
        }

        var matching = new List<ITokenInfo>();
        try
        {
            foreach (var slot in module.Library.GetSlotList(SlotsType.WithTokenPresent))
            {
                var info = slot.GetTokenInfo();
                if (uri.MatchesToken(info.Label ?? "", info.ManufacturerId ?? "", info.SerialNumber ?? "", info.Model ?? ""))
                {
                    matching.Add(info);
                }
            }
        }
        catch (Pkcs11Exception e)
        {
            Pkcs11Log.TokenUnreadable(_logger, uri.Display, "the module's slots", $"{e.Method} returned {e.RV}", previous.Count);
            return previous;
        }

        if (matching.Count == 0)
        {
            Pkcs11Log.TokenMissing(_logger, uri.Display, previous.Count);
            return previous;
        }

        var fresh = new List<IndexedKey>();
        var read = new HashSet<Pkcs11Token>();
        foreach (var info in matching)
        {
            var token = Token(module, info, uri);
            if (Find(uri, token, previous) is not { } found)
            {
                continue;
            }

            read.Add(token);
            foreach (var (key, problem) in found)
            {
                if (key is null)
                {
                    Pkcs11Log.KeyRefused(_logger, uri.Display, token.Identity.ToString(), problem ?? "unknown");
                }
                else if (Index(uri, token, key, generation, previous) is { } indexed)
                {
                    fresh.Add(indexed);
                }
            }
        }

        // Keys of a token that could not be read this time stay as last read.
        foreach (var key in previous)
        {
            if (!read.Contains(((Pkcs11KeySource)key.Source!).Token))
            {
                fresh.Add(key);
            }
        }

        _lastKnown[index] = fresh;
        return fresh;
    }

    private List<(Pkcs11FoundKey? Key, string? Problem)>? Find(Pkcs11Uri uri, Pkcs11Token token, List<IndexedKey> previous)
    {
        token.AllowRetry();
        string reason;
        try
        {
            return token.RunForReload(ReloadSessionWait, session => Pkcs11KeyFinder.FindPrivateKeys(session, uri.Id, uri.Object));
        }
        catch (Pkcs11Exception e)
        {
            reason = $"{e.Method} returned {e.RV}";
        }
        catch (Pkcs11TokenException e)
        {
            reason = e.Message;
        }

        var kept = previous.Count(key => ReferenceEquals(((Pkcs11KeySource)key.Source!).Token, token));
        try
        {
            var found = token.RunWithoutLogin(session => Pkcs11KeyFinder.FindPublicKeys(session, uri.Id, uri.Object));
            if (found.Count > 0)
            {
                Pkcs11Log.KeysFromPublicObjects(_logger, uri.Display, token.Identity.ToString(), reason, found.Count);
                return found;
            }
        }
        catch (Exception e) when (e is Pkcs11Exception or Pkcs11TokenException)
        {
            // Reported below with the first failure, which says more.
        }

        Pkcs11Log.TokenUnreadable(_logger, uri.Display, token.Identity.ToString(), reason, kept);
        return null;
    }

    private IndexedKey? Index(Pkcs11Uri uri, Pkcs11Token token, Pkcs11FoundKey found, long generation, List<IndexedKey> previous)
    {
        ParsedPublicKey parsed;
        try
        {
            parsed = SubjectPublicKeyInfoParser.Parse(found.SubjectPublicKeyInfo);
        }
        catch (KeyFileException e)
        {
            Pkcs11Log.KeyRefused(_logger, uri.Display, token.Identity.ToString(), e.Message);
            return null;
        }

        var keyId = found.Label.Length > 0 ? found.Label
            : found.Id.Length > 0 ? Convert.ToHexStringLower(found.Id)
            : Convert.ToHexStringLower(parsed.Ski);
        IReadOnlyList<string> hostNames = [];
        IReadOnlyList<byte[]> ips = [];
        var publicKeySource = found.Handle is null ? "token public key object" : "token";
        if (found.Certificate is { } der)
        {
            try
            {
                using var certificate = X509CertificateLoader.LoadCertificate(der);
                if (certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(found.SubjectPublicKeyInfo))
                {
                    (hostNames, ips) = CertificateNames.Read(certificate);
                    publicKeySource = "token certificate";
                }
                else
                {
                    Pkcs11Log.CertificateIgnored(_logger, uri.Display, keyId, "it holds a different public key");
                }
            }
            catch (CryptographicException e)
            {
                Pkcs11Log.CertificateIgnored(_logger, uri.Display, keyId, $"it cannot be parsed ({e.GetType().Name})");
            }
        }

        Pkcs11KeySource? source = null;
        foreach (var key in previous)
        {
            if (key.Source is Pkcs11KeySource old && old.IsSameKey(token, found))
            {
                // Keeps the object handle it found, so a reload costs no extra token calls later.
                source = old;
                break;
            }
        }

        source ??= new Pkcs11KeySource(token, keyId, found, parsed.Algorithm.Kind(), parsed.ModulusBytes, _logger);
        Pkcs11Log.KeyIndexed(_logger, uri.Display, keyId, parsed.Algorithm.Name(), token.Identity.ToString());
        return new IndexedKey
        {
            KeyId = keyId,
            Generation = generation,
            Source = source,
            Algorithm = parsed.Algorithm,
            ModulusBytes = parsed.ModulusBytes,
            KeySizeBits = parsed.KeySizeBits,
            SubjectPublicKeyInfo = found.SubjectPublicKeyInfo,
            Ski = parsed.Ski,
            CertDigest = parsed.CertDigest,
            HostNames = hostNames,
            IpAddresses = ips,
            PublicKeySource = publicKeySource,
        };
    }

    private Pkcs11Module? Module(Pkcs11Uri uri)
    {
        if (_modules.TryGetValue(uri.ModulePath, out var module))
        {
            return module;
        }

        try
        {
            module = Pkcs11Module.Acquire(uri.ModulePath);
        }
        catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or LibraryArchitectureException or DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            Pkcs11Log.ModuleFailed(_logger, uri.Display, e is Pkcs11Exception p ? $"{p.Method} returned {p.RV}" : $"{e.GetType().Name}: {e.Message}");
            return null;
        }

        _modules.Add(uri.ModulePath, module);
        return module;
    }

    private Pkcs11Token Token(Pkcs11Module module, ITokenInfo info, Pkcs11Uri uri)
    {
        var identity = Pkcs11TokenIdentity.Of(module.Path, info);
        if (!_tokens.TryGetValue(identity, out var token))
        {
            // The first URI to reach a token decides its PIN source.
            token = new Pkcs11Token(module, identity, uri.Pin, _options, _time, _logger);
            _tokens.Add(identity, token);
        }

        return token;
    }
}

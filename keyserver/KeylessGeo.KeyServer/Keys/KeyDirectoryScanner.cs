using System.Security.Cryptography;
using KeylessGeo.KeyServer.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// Reads the key folders (public information only), one after the other in configured order,
/// and merges them into one list with one key per key id. Not thread-safe: the key store calls
/// it under its reload lock.
/// </summary>
/// <remarks>
/// A folder that cannot be listed keeps the keys of its own last good read, so one unmounted
/// folder does not take the others' changes hostage, nor drop its keys. A key id found in two
/// folders is served from the first and the other file is reported once, when it first
/// appears, not at every reload.
/// </remarks>
internal sealed class KeyDirectoryScanner
{
    private readonly ILogger _logger;
    private readonly Dictionary<string, List<IndexedKey>> _lastGood = new(StringComparer.Ordinal);
    private HashSet<string> _reportedDuplicates = new(StringComparer.Ordinal);

    public KeyDirectoryScanner(IReadOnlyList<string> directories, ILogger logger)
    {
        Directories = directories;
        Description = string.Join(", ", directories);
        _logger = logger;
    }

    /// <summary>The folders, in the order they are read.</summary>
    public IReadOnlyList<string> Directories { get; }

    /// <summary>The folders for log messages: "a, b".</summary>
    public string Description { get; }

    /// <summary>Reads every folder; entries read now carry <paramref name="generation"/>.</summary>
    public KeyDirectoryScan Scan(long generation)
    {
        var refused = new List<string>();
        var unreadable = new List<string>();
        var merged = new List<IndexedKey>();
        var servedFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in Directories)
        {
            var keys = ScanOne(directory, generation, refused);
            if (keys is null)
            {
                unreadable.Add(directory);
                keys = _lastGood.GetValueOrDefault(directory) ?? [];
                if (_lastGood.ContainsKey(directory))
                {
                    KeyDirectoryLog.KeptLastGoodKeys(_logger, directory, keys.Count);
                }
            }
            else
            {
                _lastGood[directory] = keys;
                KeyServerLog.KeyDirectoryIndexed(_logger, directory, keys.Count);
            }

            foreach (var key in keys)
            {
                if (servedFrom.TryAdd(key.KeyId, directory))
                {
                    merged.Add(key);
                    continue;
                }

                var duplicate = directory + "\0" + key.KeyId;
                duplicates.Add(duplicate);
                if (!_reportedDuplicates.Contains(duplicate))
                {
                    KeyDirectoryLog.KeyIdInSeveralDirectories(_logger, key.KeyId, directory, servedFrom[key.KeyId]);
                }
            }
        }

        _reportedDuplicates = duplicates;
        return new KeyDirectoryScan
        {
            Keys = merged,
            RefusedFiles = refused,
            UnreadableDirectories = unreadable,
            NothingRead = Directories.Count > 0 && unreadable.Count == Directories.Count,
        };
    }

    /// <summary>The keys of one folder's key files, or null when the folder cannot be listed.</summary>
    private List<IndexedKey>? ScanOne(string directory, long generation, List<string> refused)
    {
        var keys = new List<IndexedKey>();
        string[] files;
        try
        {
            files = Directory.GetFiles(directory, "*.key");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            KeyServerLog.KeyDirectoryUnreadable(_logger, directory, e);
            return null;
        }

        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            try
            {
                var key = KeyFileIndexer.Index(file, _logger) with { Generation = generation };
                keys.Add(key);
                KeyServerLog.KeyIndexed(_logger, key.KeyId, key.Algorithm.Name(), key.PublicKeySource);
            }
            catch (KeyFileException e)
            {
                KeyServerLog.KeyFileRefused(_logger, file, e.Message);
                refused.Add(file);
            }
            catch (CryptographicException e)
            {
                // A malformed certificate or public key file: this key is not served, the others are.
                KeyServerLog.KeyFileRefused(_logger, file, "its certificate or public key could not be parsed (" + e.GetType().Name + ")");
                refused.Add(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                KeyServerLog.KeyFileUnreadable(_logger, file, e);
                refused.Add(file);
            }
        }

        return keys;
    }
}

using System.Text;
using System.Text.Json;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Compares this datacenter's registered wrapping key with the local key file, and registers the
/// local public key when the store has none (one audited commit, actor = the keyserver id).
/// Keyservers of one datacenter sharing the key file race harmlessly: the loser of the commit
/// reads the winner's registration, which is the same key.
/// </summary>
internal sealed class WrappingKeyRegistration
{
    /// <summary>The audit action, shared with the control plane's own key registration.</summary>
    public const string AuditAction = "datacenter.register-key";

    private const int MaxConflicts = 5;
    private readonly IControlPlaneStore _store;
    private readonly LocalWrappingKey _wrappingKey;
    private readonly ClusterOptions _options;
    private readonly string _keyserverId;
    private readonly string _datacenter;
    private readonly TimeProvider _time;
    private readonly ILogger<WrappingKeyRegistration> _logger;

    public WrappingKeyRegistration(
        IControlPlaneStore store, LocalWrappingKey wrappingKey, IOptions<ClusterOptions> options, IOptions<KeyServerOptions> core,
        TimeProvider time, ILogger<WrappingKeyRegistration> logger)
    {
        _store = store;
        _wrappingKey = wrappingKey;
        _options = options.Value;
        _keyserverId = core.Value.Id;
        _datacenter = core.Value.Datacenter;
        _time = time;
        _logger = logger;
    }

    /// <summary>Runs the check (and registration). Throws <see cref="StoreUnavailableException"/> when the store fails.</summary>
    public async Task<WrappingKeyRegistrationOutcome> RunAsync(CancellationToken cancellationToken)
    {
        for (var conflicts = 0; ; conflicts++)
        {
            var snapshot = await _store.ReadSnapshotAsync(cancellationToken).ConfigureAwait(false);
            if (snapshot.FindWrappingKey(_datacenter) is { } registered)
            {
                if (registered.PublicKey.AsSpan().SequenceEqual(_wrappingKey.Key.PublicKey))
                {
                    ClusterLog.WrappingKeyAlreadyRegistered(_logger, _wrappingKey.Fingerprint, _datacenter);
                    return WrappingKeyRegistrationOutcome.AlreadyRegistered;
                }

                ClusterLog.WrappingKeyConflict(_logger, registered.Fingerprint, _datacenter, _wrappingKey.Path, _wrappingKey.Fingerprint);
                return WrappingKeyRegistrationOutcome.Conflict;
            }

            if (!_options.RegisterWrappingKey)
            {
                ClusterLog.WrappingKeyNotRegistered(_logger, _datacenter, _wrappingKey.Fingerprint);
                return WrappingKeyRegistrationOutcome.NotRegistered;
            }

            try
            {
                var result = await _store.CommitAsync(Change(), snapshot.Revision, cancellationToken).ConfigureAwait(false);
                ClusterLog.WrappingKeyRegistered(_logger, _wrappingKey.Fingerprint, _datacenter, result.Revision);
                return WrappingKeyRegistrationOutcome.Registered;
            }
            catch (StoreConflictException) when (conflicts < MaxConflicts)
            {
                // Another commit landed first (perhaps another keyserver of this datacenter
                // registering the same key): read again and decide again.
            }
        }
    }

    private ChangeSet Change() => new()
    {
        Audit = new AuditDraft(_keyserverId, AuditAction, "datacenter/" + _datacenter, Details()),
        UpsertWrappingKeys =
        [
            new WrappingKeyRecord
            {
                DatacenterId = _datacenter,
                Fingerprint = _wrappingKey.Fingerprint,
                PublicKey = _wrappingKey.Key.PublicKey,
                RegisteredAt = _time.GetUtcNow(),
            },
        ],
    };

    // Canonical JSON: keys sorted, no whitespace; public facts only.
    private string Details()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("datacenter", _datacenter);
            writer.WriteString("fingerprint", _wrappingKey.Fingerprint);
            writer.WriteString("keyserver", _keyserverId);
            writer.WriteString("source", "keyserver first start");
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Checks <see cref="ClusterOptions"/> at start-up, with the keyserver's other settings, and
/// reports every problem at once, each naming the configuration key and the value found.
/// Nothing is checked while the cluster is disabled.
/// </summary>
public sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    private const string Prefix = ClusterOptions.SectionName + ":";
    private const string StorePrefix = Prefix + "Store:";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        ValidateStore(errors, options);
        ValidateWrappingKeyPath(errors, options.WrappingKeyPath);
        RequireDuration(errors, "LeaseTimeToLive", options.LeaseTimeToLive, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        RequireDuration(errors, "LeaseRenewInterval", options.LeaseRenewInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        if (options.LeaseRenewInterval > TimeSpan.Zero && options.LeaseRenewInterval >= options.LeaseTimeToLive)
        {
            errors.Add($"{Prefix}LeaseRenewInterval ({options.LeaseRenewInterval}) must be shorter than {Prefix}LeaseTimeToLive ({options.LeaseTimeToLive}), or the lease expires between renewals; a third of it is usual.");
        }

        if (options.InitialSnapshotTimeout < TimeSpan.Zero || options.InitialSnapshotTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Prefix}InitialSnapshotTimeout must be between 00:00:00 and 00:05:00, got {options.InitialSnapshotTimeout}.");
        }

        RequireDuration(errors, "FeedResyncInterval", options.FeedResyncInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        if (options.FeedPageSize is < 1 or > 1_000_000)
        {
            errors.Add($"{Prefix}FeedPageSize ({options.FeedPageSize}) must be between 1 and 1000000 change records.");
        }

        if (options.SnapshotPageSize is < 1 or > 1_000_000)
        {
            errors.Add($"{Prefix}SnapshotPageSize ({options.SnapshotPageSize}) must be between 1 and 1000000 keys.");
        }

        if (options.WrappedKeyCacheCount is < 1 or > 10_000_000)
        {
            errors.Add($"{Prefix}WrappedKeyCacheCount ({options.WrappedKeyCacheCount}) must be between 1 and 10000000 wrapped keys.");
        }

        if (options.WrappedKeyCacheBytes is < 64 * 1024 or > 64L * 1024 * 1024 * 1024)
        {
            errors.Add($"{Prefix}WrappedKeyCacheBytes ({options.WrappedKeyCacheBytes}) must be between 65536 (64 KiB) and 68719476736 (64 GiB).");
        }

        RequireDuration(errors, "StoreRetryDelay", options.StoreRetryDelay, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10));
        RequireDuration(errors, "StoreRetryMaxDelay", options.StoreRetryMaxDelay, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10));
        if (options.StoreRetryMaxDelay < options.StoreRetryDelay)
        {
            errors.Add($"{Prefix}StoreRetryMaxDelay ({options.StoreRetryMaxDelay}) must not be shorter than {Prefix}StoreRetryDelay ({options.StoreRetryDelay}).");
        }

        var endpoints = options.AdvertisedEndpoints ?? [];
        for (var i = 0; i < endpoints.Count; i++)
        {
            var endpoint = endpoints[i];
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Host.Length == 0 || uri.Port <= 0)
            {
                errors.Add($"{Prefix}AdvertisedEndpoints:{i} must be an absolute address with a host and port such as 'grpc://10.0.0.5:7443', got '{endpoint}'.");
            }
        }

        var silo = options.Silo ?? new Silo.SiloOptions();
        errors.AddRange(Silo.SiloOptionsValidator.Problems(silo));
        if (silo.Enabled)
        {
            errors.AddRange(Membership.MembershipOptionsValidator.Problems(options.Membership ?? new Membership.MembershipOptions(), options.Store ?? new()));
            errors.AddRange(new Forwarding.ForwardingOptionsValidator().Validate(null, options.Forwarding ?? new Forwarding.ForwardingOptions()).Failures ?? []);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateStore(List<string> errors, ClusterOptions options)
    {
        if (options.Store is null)
        {
            errors.Add($"{Prefix}Store is required when {Prefix}Enabled is true.");
            return;
        }

        if (options.UsesInMemoryStore)
        {
            return;
        }

        // The store library's own checks; they name the field, never a connection string's value.
        foreach (var error in options.Store.Validate())
        {
            errors.Add(error.StartsWith("Kind:", StringComparison.Ordinal)
                ? $"{StorePrefix}{error} (or '{ClusterOptions.InMemoryStoreKind}' in tests)."
                : $"{StorePrefix}{error}.");
        }
    }

    private static void ValidateWrappingKeyPath(List<string> errors, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            errors.Add($"{Prefix}WrappingKeyPath is required when {Prefix}Enabled is true, got '{path}'.");
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is null || !Directory.Exists(directory))
        {
            errors.Add($"{Prefix}WrappingKeyPath '{path}': its directory '{directory}' does not exist (the key file is created on first start, the directory is not).");
        }
        else if (Directory.Exists(path))
        {
            errors.Add($"{Prefix}WrappingKeyPath '{path}' is a directory; name the key file, e.g. '{Path.Combine(path, "wrapping-key.pem")}'.");
        }
    }

    private static void RequireDuration(List<string> errors, string field, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{Prefix}{field} must be between {min} and {max}, got {value}.");
        }
    }
}

using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// Checks <see cref="ForwardingOptions"/> at start-up and reports every problem at once, each
/// naming the configuration key and the value found. Nothing is checked while forwarding is off.
/// The ranges keep within what Polly's strategies accept, so a configuration that passes here
/// always builds its pipelines.
/// </summary>
public sealed class ForwardingOptionsValidator : IValidateOptions<ForwardingOptions>
{
    /// <summary>The most attempts a request may be allowed.</summary>
    public const int MaxAttemptsLimit = 10;

    private const string Prefix = ForwardingOptions.SectionName + ":";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ForwardingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        RequireDuration(errors, nameof(options.ConnectTimeout), options.ConnectTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        RequireDuration(errors, nameof(options.AttemptTimeout), options.AttemptTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));
        if (options.MaxAttempts is < 1 or > MaxAttemptsLimit)
        {
            errors.Add($"{Prefix}MaxAttempts must be between 1 and {MaxAttemptsLimit} (1 never retries), got {options.MaxAttempts}.");
        }

        RequireDuration(errors, nameof(options.BackoffBase), options.BackoffBase, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        RequireDuration(errors, nameof(options.BackoffMax), options.BackoffMax, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        if (options.BackoffMax < options.BackoffBase)
        {
            errors.Add($"{Prefix}BackoffMax ({options.BackoffMax}) must not be shorter than {Prefix}BackoffBase ({options.BackoffBase}).");
        }

        if (!(options.BreakerFailureRatio > 0 && options.BreakerFailureRatio <= 1))
        {
            errors.Add($"{Prefix}BreakerFailureRatio must be above 0 and at most 1 (0.5 opens the circuit when half the attempts fail), got {options.BreakerFailureRatio}.");
        }

        if (options.BreakerMinimumThroughput is < 2 or > 1_000_000)
        {
            errors.Add($"{Prefix}BreakerMinimumThroughput must be between 2 and 1000000, got {options.BreakerMinimumThroughput}.");
        }

        RequireDuration(errors, nameof(options.BreakerSamplingDuration), options.BreakerSamplingDuration, TimeSpan.FromMilliseconds(501), TimeSpan.FromDays(1));
        RequireDuration(errors, nameof(options.BreakDuration), options.BreakDuration, TimeSpan.FromMilliseconds(501), TimeSpan.FromDays(1));
        RequireDuration(errors, nameof(options.DirectoryRefreshInterval), options.DirectoryRefreshInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        ValidateRegionPreference(errors, options.RegionPreference ?? []);
        RequireFile(errors, nameof(options.ClientCertificatePath), options.ClientCertificatePath, "the client certificate presented to remote keyservers");
        RequireFile(errors, nameof(options.ClientKeyPath), options.ClientKeyPath, "the client certificate's private key");
        RequireFile(errors, nameof(options.TrustedCaPath), options.TrustedCaPath, "the CA that issues remote keyservers' server certificates");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateRegionPreference(List<string> errors, IReadOnlyList<string> regions)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < regions.Count; i++)
        {
            var region = regions[i];
            if (string.IsNullOrWhiteSpace(region))
            {
                errors.Add($"{Prefix}RegionPreference:{i} is empty; list region names, nearest first.");
            }
            else if (!seen.Add(region.Trim()))
            {
                errors.Add($"{Prefix}RegionPreference:{i} '{region}' is listed twice.");
            }
        }
    }

    private static void RequireDuration(List<string> errors, string field, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{Prefix}{field} must be between {min} and {max}, got {value}.");
        }
    }

    private static void RequireFile(List<string> errors, string field, string? path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            errors.Add($"{Prefix}{field} is required while forwarding is enabled: the PEM file of {what}.");
        }
        else if (!File.Exists(path))
        {
            errors.Add($"{Prefix}{field} '{path}' does not exist.");
        }
    }
}

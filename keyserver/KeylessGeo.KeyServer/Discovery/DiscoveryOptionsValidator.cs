using System.Globalization;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Discovery;

/// <summary>Checks <see cref="DiscoveryOptions"/> and reports every problem at once, each naming the field and the bad value.</summary>
public sealed class DiscoveryOptionsValidator : IValidateOptions<DiscoveryOptions>
{
    /// <summary>The shortest refresh interval accepted: below it lists would only repeat themselves.</summary>
    public static readonly TimeSpan ShortestRefreshInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest refresh interval accepted: an agent must learn of a broken stream within minutes at worst.</summary>
    public static readonly TimeSpan LongestRefreshInterval = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DiscoveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.RefreshInterval < ShortestRefreshInterval || options.RefreshInterval > LongestRefreshInterval)
        {
            errors.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{DiscoveryOptions.SectionName}:RefreshInterval {options.RefreshInterval} is outside {ShortestRefreshInterval}..{LongestRefreshInterval}."));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

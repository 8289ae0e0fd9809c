using System.Globalization;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Configuration;

/// <summary>
/// Checks <see cref="KeyServerOptions"/> at start-up and reports every problem at once, each
/// naming the configuration key and the value found.
/// </summary>
public sealed class KeyServerOptionsValidator : IValidateOptions<KeyServerOptions>
{
    private const string Prefix = KeyServerOptions.SectionName + ":";
    private const string AdmissionPrefix = Prefix + "Admission:";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, KeyServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        RequireText(errors, Prefix + "Id", options.Id);
        RequireText(errors, Prefix + "Datacenter", options.Datacenter);
        KeyDirectoryRules.Validate(errors, options);

        RequireRange(errors, Prefix + "PrivateKeyCacheCapacity", options.PrivateKeyCacheCapacity, 1, 1_000_000);
        if (options.ReloadDebounce < TimeSpan.Zero || options.ReloadDebounce > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Prefix}ReloadDebounce must be between 00:00:00 and 00:01:00, got {options.ReloadDebounce}.");
        }

        errors.AddRange(Keys.Pkcs11.Pkcs11OptionsValidator.Validate(options.Pkcs11));
        var admission = options.Admission;
        if (admission is null)
        {
            errors.Add($"{Prefix}Admission is required.");
            return Result(errors);
        }

        RequireRange(errors, AdmissionPrefix + "Workers", admission.Workers, 1, 1024);
        RequireRange(errors, AdmissionPrefix + "QueueLimit", admission.QueueLimit, 1, 1_000_000);
        if (admission.DefaultDeadline <= TimeSpan.Zero || admission.DefaultDeadline > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{AdmissionPrefix}DefaultDeadline must be greater than 0 and at most 00:01:00, got {admission.DefaultDeadline}.");
        }

        if (admission.Accelerator is not ("" or "none" or "qat"))
        {
            errors.Add($"{AdmissionPrefix}Accelerator must be \"\" (detect), \"none\" or \"qat\", got '{admission.Accelerator}'.");
        }

        if (!(admission.AcceleratorMultiplier >= 1.0 && admission.AcceleratorMultiplier <= 1000.0))
        {
            errors.Add($"{AdmissionPrefix}AcceleratorMultiplier must be between 1 and 1000, got {admission.AcceleratorMultiplier.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (admission.CalibrationDuration < TimeSpan.Zero || admission.CalibrationDuration > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{AdmissionPrefix}CalibrationDuration must be between 00:00:00 and 00:05:00, got {admission.CalibrationDuration}.");
        }

        return Result(errors);
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

    private static void RequireText(List<string> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{field} is required, got '{value}'.");
        }
    }

    private static void RequireRange(List<string> errors, string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{field} must be between {min} and {max}, got {value}.");
        }
    }
}

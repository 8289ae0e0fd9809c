using Microsoft.Extensions.Options;

namespace KeylessGeo.ControlPlane.Store;

/// <summary>Checks <see cref="ControlPlaneStoreOptions"/> at start-up (register with <c>AddSingleton&lt;IValidateOptions&lt;…&gt;&gt;</c> and <c>ValidateOnStart</c>).</summary>
public sealed class ControlPlaneStoreOptionsValidator : IValidateOptions<ControlPlaneStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, ControlPlaneStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => "Store:" + e));
    }
}

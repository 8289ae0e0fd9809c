using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Grpc;

/// <summary>Checks <see cref="GrpcOptions"/> and reports every problem at once.</summary>
public sealed class GrpcOptionsValidator : IValidateOptions<GrpcOptions>
{
    // A request carries a digest or a ciphertext (at most 512 bytes for RSA-4096) plus key references;
    // anything far beyond 1 MiB is not a signing request.
    private const int LargestMessageLimit = 16 * 1024 * 1024;
    private const int SmallestMessageLimit = 1024;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GrpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var section = GrpcOptions.SectionName;
        CheckSize(errors, $"{section}:MaxReceiveMessageSize", options.MaxReceiveMessageSize);
        CheckSize(errors, $"{section}:MaxSendMessageSize", options.MaxSendMessageSize);
        if (options.ResponseQueueCapacity is < 1 or > 65536)
        {
            errors.Add($"{section}:ResponseQueueCapacity {options.ResponseQueueCapacity} is outside 1..65536.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckSize(List<string> errors, string field, int value)
    {
        if (value is < SmallestMessageLimit or > LargestMessageLimit)
        {
            errors.Add($"{field} {value} is outside {SmallestMessageLimit}..{LargestMessageLimit} bytes.");
        }
    }
}

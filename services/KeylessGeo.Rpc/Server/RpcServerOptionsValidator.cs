using Microsoft.Extensions.Options;

namespace KeylessGeo.Rpc.Server;

/// <summary>Checks <see cref="RpcServerOptions"/> at start-up and reports every bad value at once.</summary>
internal sealed class RpcServerOptionsValidator : IValidateOptions<RpcServerOptions>
{
    public ValidateOptionsResult Validate(string? name, RpcServerOptions options)
    {
        List<string>? errors = null;
        Check(options.MaxReceiveMessageSize > 0, $"MaxReceiveMessageSize must be positive (was {options.MaxReceiveMessageSize}).", ref errors);
        Check(options.MaxSendMessageSize > 0, $"MaxSendMessageSize must be positive (was {options.MaxSendMessageSize}).", ref errors);
        Check(options.ResponseQueueCapacity > 0, $"ResponseQueueCapacity must be positive (was {options.ResponseQueueCapacity}).", ref errors);
        Check(options.MaxMessagesPerFlush > 0, $"MaxMessagesPerFlush must be positive (was {options.MaxMessagesPerFlush}).", ref errors);
        return errors is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(bool ok, string error, ref List<string>? errors)
    {
        if (!ok)
        {
            (errors ??= []).Add(error);
        }
    }
}

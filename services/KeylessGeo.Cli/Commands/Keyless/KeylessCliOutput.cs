using KeylessGeo.Keyless.Client;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary>How the <c>keyless</c> commands report problems, with the exit codes of <c>sign</c>.</summary>
public static class KeylessCliOutput
{
    /// <summary>The server answered with a Keyless error.</summary>
    public const int ServerError = 1;

    /// <summary>Bad arguments; nothing was sent.</summary>
    public const int BadArguments = 2;

    /// <summary>The call failed: connection, TLS, deadline.</summary>
    public const int CallFailed = 3;

    /// <summary>Prints every argument problem and returns <see cref="BadArguments"/>.</summary>
    public static async Task<int> BadArgumentsAsync(TextWriter output, IEnumerable<string> errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var error in errors)
        {
            await output.WriteLineAsync("bad arguments: " + error);
        }

        return BadArguments;
    }

    /// <summary>Prints a failed result: the wire error's name when the server answered (exit 1), else the client's reason (exit 3).</summary>
    public static async Task<int> FailureAsync(TextWriter output, KeylessResult result, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (result.WireError is { } wire)
        {
            await output.WriteLineAsync($"error {KeylessNames.Of(wire)} (0x{(byte)wire:X2}) from {endpoint}: {result.Message}");
            return ServerError;
        }

        await output.WriteLineAsync($"call failed: {result.Code}: {result.Message}");
        return CallFailed;
    }
}

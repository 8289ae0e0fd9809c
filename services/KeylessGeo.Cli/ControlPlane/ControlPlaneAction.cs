using System.CommandLine;
using System.Text.Json;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary>
/// Runs a control-plane command: opens the client, runs the body, and turns failures into the
/// documented exit codes, printing the control plane's problem precisely (each <c>field: message</c>).
/// </summary>
public static class ControlPlaneAction
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Sets <paramref name="command"/>'s action to <paramref name="body"/> with the shared error handling.</summary>
    public static void Set(Command command, ControlPlaneConnection connection, TextWriter output, Func<ParseResult, ControlPlaneClient, CancellationToken, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                using var client = ControlPlaneClient.Open(parse, connection);
                try
                {
                    return await body(parse, client, cancellation);
                }
                catch (HttpRequestException ex)
                {
                    await error.WriteLineAsync($"cannot reach the control plane at {client.Endpoint}: {ex.Message}");
                    return ControlPlaneExitCodes.Unreachable;
                }
                catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    await error.WriteLineAsync($"the control plane at {client.Endpoint} did not answer in time");
                    return ControlPlaneExitCodes.Unreachable;
                }
            }
            catch (CliUsageException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return ControlPlaneExitCodes.BadArguments;
            }
            catch (ControlPlaneApiException ex)
            {
                await WriteProblemAsync(output, ex);
                return ControlPlaneExitCodes.Refused;
            }
        });
    }

    /// <summary>Prints <paramref name="value"/> as indented JSON.</summary>
    public static Task WriteJsonAsync(TextWriter output, JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(output);
        return output.WriteLineAsync(JsonSerializer.Serialize(value, Indented));
    }

    /// <summary>Reads a local file; <see cref="CliUsageException"/> when it cannot be read.</summary>
    public static async Task<string> ReadFileAsync(FileInfo file, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            return await File.ReadAllTextAsync(file.FullName, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"cannot read {what} '{file.FullName}': {ex.Message}", ex);
        }
    }

    private static async Task WriteProblemAsync(TextWriter output, ControlPlaneApiException ex)
    {
        if (ex.Problem is not { ValueKind: JsonValueKind.Object } problem)
        {
            await output.WriteLineAsync($"error: the control plane answered HTTP {(int)ex.Status}: {ex.Message}");
            return;
        }

        var title = Text(problem, "title") ?? "request refused";
        var code = Text(problem, "code");
        await output.WriteLineAsync($"error: {title} (HTTP {(int)ex.Status}{(code is null ? "" : ", " + code)}): {Text(problem, "detail")}");
        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in errors.EnumerateArray())
            {
                var where = item.TryGetProperty("position", out var position) && position.ValueKind == JsonValueKind.Object
                    ? $" (line {position.GetProperty("line").GetInt32()}, column {position.GetProperty("column").GetInt32()})"
                    : "";
                await output.WriteLineAsync($"  {Text(item, "field")}{where}: {Text(item, "message")}");
            }
        }
    }

    /// <summary>A string property, or null.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The strings of an array property, comma-separated ("none" when empty).</summary>
    public static string List(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            return "none";
        }

        return string.Join(", ", value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()));
    }

    /// <summary>Prints the warnings of an answer, if any.</summary>
    public static async Task WriteWarningsAsync(TextWriter output, JsonElement answer)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (answer.TryGetProperty("warnings", out var warnings) && warnings.ValueKind == JsonValueKind.Array)
        {
            foreach (var warning in warnings.EnumerateArray())
            {
                await output.WriteLineAsync($"warning: {Text(warning, "field")}: {Text(warning, "message")}");
            }
        }
    }
}

using System.Text.Json;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>Reads JSON request bodies, turning malformed JSON and unknown fields into precise 400s.</summary>
internal static class RequestBody
{
    /// <summary>Deserializes the body as <typeparamref name="T"/>; an empty body is a 400.</summary>
    public static async Task<T> ReadAsync<T>(HttpContext context)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, ApiJson.Options, context.RequestAborted).ConfigureAwait(false);
            return value ?? throw ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, "(body)", "the request body is JSON null; expected an object");
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
    }

    /// <summary>The 400 for a <see cref="JsonException"/>, naming the JSON path and position.</summary>
    public static ControlPlaneException Malformed(JsonException ex)
    {
        var path = string.IsNullOrEmpty(ex.Path) ? "(body)" : ex.Path;
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {(ex.BytePositionInLine ?? 0) + 1})" : "";
        var message = ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? $"unknown field {path}{where}"
            : ex.Message.Contains("missing required properties", StringComparison.Ordinal)
                ? "a required field is missing: " + RequiredNames(ex.Message)
                : ex.LineNumber is null && ex.Path is null
                    ? "the request body is not a JSON object"
                    : $"malformed or mistyped JSON at {path}{where}";
        return ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, path, message);
    }

    private static string RequiredNames(string message)
    {
        // "JSON deserialization for type 'X' was missing required properties including: 'a', 'b'."
        var index = message.IndexOf("including:", StringComparison.Ordinal);
        return index < 0 ? message : message[(index + "including:".Length)..].Trim().TrimEnd('.');
    }
}

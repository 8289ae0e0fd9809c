using System.Text.Json;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>The one place control-plane errors become HTTP responses.</summary>
public static class ProblemResults
{
    /// <summary>The problem media type.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>The prefix of every problem type.</summary>
    public const string TypePrefix = "urn:keylessgeo:problem:";

    private static readonly Dictionary<string, string> Titles = new(StringComparer.Ordinal)
    {
        [ErrorCodes.InvalidRequest] = "Invalid request",
        [ErrorCodes.InvalidId] = "Invalid id",
        [ErrorCodes.PolicySyntax] = "Policy syntax error",
        [ErrorCodes.InvalidHostName] = "Invalid host name",
        [ErrorCodes.PolicyNotFound] = "Policy not found",
        [ErrorCodes.KeyNotFound] = "Key not found",
        [ErrorCodes.DatacenterNotFound] = "Datacenter not found",
        [ErrorCodes.PolicyExists] = "Policy already exists",
        [ErrorCodes.KeyExists] = "Key already exists",
        [ErrorCodes.DuplicateKeyMaterial] = "Key pair already managed",
        [ErrorCodes.PolicyInUse] = "Policy in use",
        [ErrorCodes.ConcurrentChange] = "Concurrent change",
        [ErrorCodes.InvalidTopology] = "Invalid topology",
        [ErrorCodes.TopologyBreaksPolicy] = "Topology would break a policy",
        [ErrorCodes.InvalidPolicy] = "Invalid policy",
        [ErrorCodes.InvalidWrappingKey] = "Invalid wrapping key",
        [ErrorCodes.MalformedPem] = "Malformed private key",
        [ErrorCodes.PassphraseRequired] = "Passphrase required",
        [ErrorCodes.WrongPassphrase] = "Wrong passphrase",
        [ErrorCodes.UnsupportedKey] = "Unsupported key",
        [ErrorCodes.MalformedCertificate] = "Malformed certificate",
        [ErrorCodes.CertificateMismatch] = "Certificate does not match the key",
        [ErrorCodes.ControlPlaneKeyMismatch] = "Control-plane wrapping key mismatch",
        [ErrorCodes.StoreUnavailable] = "Store unavailable",
        [ErrorCodes.StoreIntegrity] = "Store changed behind the control plane",
        [ErrorCodes.PolicyLimitReached] = "Policy limit reached",
        [ErrorCodes.KeyLimitReached] = "Key limit reached",
        [ErrorCodes.RequestTooLarge] = "Request writes too many records",
        [ErrorCodes.Unauthenticated] = "Authentication required",
        [ErrorCodes.Forbidden] = "Forbidden",
    };

    /// <summary>The HTTP status of an error kind.</summary>
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Syntax => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Invalid => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The problem for <paramref name="exception"/>.</summary>
    public static Problem From(ControlPlaneException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new Problem
        {
            Type = TypePrefix + exception.Code,
            Title = Titles.GetValueOrDefault(exception.Code, "Request refused"),
            Status = StatusOf(exception.Kind),
            Detail = exception.Message,
            Code = exception.Code,
            Errors = [.. exception.Errors.Select(e => new ProblemError { Field = e.Field, Message = e.Message, Position = e.Position, Code = e.Code })],
            Limit = exception.Limit,
        };
    }

    /// <summary>The problem for a failure the control plane did not expect (no details leak).</summary>
    public static Problem Internal() => new()
    {
        Type = TypePrefix + "internal",
        Title = "Internal error",
        Status = StatusCodes.Status500InternalServerError,
        Detail = "the control plane failed unexpectedly; nothing was applied unless the response said so. The server log has the details.",
        Code = "internal",
    };

    /// <summary>Writes <paramref name="problem"/> as the response.</summary>
    public static async Task WriteAsync(HttpContext context, Problem problem)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(problem);
        context.Response.StatusCode = problem.Status;
        context.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, problem, ApiJson.Options, context.RequestAborted).ConfigureAwait(false);
    }
}

using System.Net;
using System.Text.Json;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary>The control plane answered with an error (an RFC 7807 problem, when it sent one).</summary>
public sealed class ControlPlaneApiException : Exception
{
    public ControlPlaneApiException(HttpStatusCode status, JsonElement? problem, string body)
        : base(problem?.TryGetProperty("detail", out var detail) == true ? detail.GetString() : $"HTTP {(int)status}: {body}")
    {
        Status = status;
        Problem = problem;
    }

    public ControlPlaneApiException()
    {
    }

    public ControlPlaneApiException(string message)
        : base(message)
    {
    }

    public ControlPlaneApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HttpStatusCode Status { get; }

    /// <summary>The problem document, when the body was one.</summary>
    public JsonElement? Problem { get; }
}

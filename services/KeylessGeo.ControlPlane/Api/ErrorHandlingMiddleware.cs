using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>Turns every failure into an RFC 7807 problem; unexpected ones are logged (without request bodies) and reported without details.</summary>
internal sealed class ErrorHandlingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<ErrorHandlingMiddleware> _logger;

    public ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (ControlPlaneException ex) when (!context.Response.HasStarted)
        {
            var problem = ProblemResults.From(ex);
            ControlPlaneLog.Refused(_logger, context.Request.Method, context.Request.Path, problem.Status, problem.Code, problem.Detail);
            await ProblemResults.WriteAsync(context, problem).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var refused = ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, "(request)", ex.Message);
            await ProblemResults.WriteAsync(context, ProblemResults.From(refused) with { Status = ex.StatusCode }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            ControlPlaneLog.Unexpected(_logger, context.Request.Method, context.Request.Path, ex);
            await ProblemResults.WriteAsync(context, ProblemResults.Internal()).ConfigureAwait(false);
        }
    }
}

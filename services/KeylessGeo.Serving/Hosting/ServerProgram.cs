using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Hosting;

/// <summary>
/// What every server executable's <c>Main</c> does: answer <c>--help</c> and <c>--version</c>; build
/// the host, reporting a configuration error as a list under "&lt;name&gt;: the configuration has
/// errors:" with exit code 2; run it until stopped, reporting a port that cannot be bound the same
/// way. No stack trace reaches the operator for a mistake of theirs.
/// </summary>
public static class ServerProgram
{
    /// <summary>Runs the program; returns its exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="program">The name <c>--version</c> prints (<c>keylessgeo-keyserver</c>).</param>
    /// <param name="reportName">The name error lists start with (<c>keyserver</c>).</param>
    /// <param name="usage">What <c>--help</c> prints.</param>
    /// <param name="create">Builds the host; throws <see cref="OptionsValidationException"/> listing every configuration error.</param>
    /// <param name="built">Runs once the host is built, before it starts (start-up log lines).</param>
    /// <param name="runFailure">The exit code for another failure while running (a store that cannot be opened), or null to let it propagate.</param>
    public static async Task<int> RunAsync(
        string[] args, string program, string reportName, string usage, Func<string[], WebApplication> create,
        Action<WebApplication>? built = null, Func<Exception, int?>? runFailure = null)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (ProgramInfo.TryAnswer(args, program, usage, Console.Out))
        {
            return 0;
        }

        WebApplication app;
        try
        {
            app = create(args);
        }
        catch (OptionsValidationException ex)
        {
            return await ReportAsync(reportName, ex.Failures).ConfigureAwait(false);
        }

        built?.Invoke(app);
        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.RunAsync().ConfigureAwait(false);
            }
            catch (IOException ex) when (ex.InnerException is AddressInUseException or System.Net.Sockets.SocketException)
            {
                // A port in use (or an address this host does not have) is a configuration error too.
                return await ReportAsync(reportName, ["cannot listen: " + ex.Message]).ConfigureAwait(false);
            }
            catch (Exception ex) when (runFailure?.Invoke(ex) is { } code)
            {
                return code;
            }
        }

        return 0;
    }

    private static async Task<int> ReportAsync(string reportName, IEnumerable<string> failures)
    {
        await Console.Error.WriteLineAsync($"{reportName}: the configuration has errors:").ConfigureAwait(false);
        foreach (var failure in failures)
        {
            await Console.Error.WriteLineAsync("  - " + failure).ConfigureAwait(false);
        }

        return 2;
    }
}

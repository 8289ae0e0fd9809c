using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Tests.Configuration.Gokeyless;

/// <summary>
/// The real keyserver (<c>KeylessGeo.KeyServer.dll</c> beside the tests, run by <c>dotnet</c>,
/// or a published executable) started with exactly the arguments and environment a test
/// gives, so nothing but the gokeyless file configures it. Output is collected; disposing
/// kills it by PID.
/// </summary>
public sealed partial class GokeylessKeyServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GokeylessKeyServerProcess(Process process) => _process = process;

    /// <summary>Everything written to standard output and error so far, line by line.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>
    /// Starts the keyserver (<paramref name="executable"/>, or the built one when null) and waits
    /// until its Keyless listener is bound.
    /// </summary>
    public static async Task<(GokeylessKeyServerProcess Process, IPEndPoint Keyless)> StartAsync(
        string? executable, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = executable is null
            ? ExternalProcess.CreateStartInfo(dotnet, [Path.Combine(AppContext.BaseDirectory, "KeylessGeo.KeyServer.dll"), .. arguments])
            : ExternalProcess.CreateStartInfo(executable, arguments);
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var keyserver = new GokeylessKeyServerProcess(process);
        process.OutputDataReceived += (_, e) => keyserver.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => keyserver.OnLine(e.Data);
        process.Exited += (_, _) => keyserver._listening.TrySetException(new InvalidOperationException("The keyserver exited before it listened."));
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return (keyserver, await keyserver._listening.Task.WaitAsync(cancellationToken));
        }
        catch (Exception e)
        {
            var output = string.Join('\n', keyserver.Output);
            await keyserver.DisposeAsync();
            throw new InvalidOperationException($"The keyserver did not start: {e.Message}\n{output}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(exit.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        finally
        {
            _process.Dispose();
        }
    }

    [GeneratedRegex(@"Keyless protocol listener on (?<address>[0-9.]+):(?<port>\d+)")]
    private static partial Regex ListeningLine();

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new IPEndPoint(IPAddress.Parse(match.Groups["address"].Value), int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture)));
        }
    }
}

using System.Globalization;
using System.Net;
using KeylessGeo.Cli.Demo.Processes;

namespace KeylessGeo.Cli.Demo;

/// <summary>Waits for a keyserver or an edge agent to answer <c>GET /readyz</c> with 200 on its telemetry port.</summary>
public static class DemoReadiness
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>
    /// Polls <c>http://127.0.0.1:<paramref name="port"/>/readyz</c> until it answers 200; fails at
    /// once when the process ends, and after <paramref name="patience"/> with its last output.
    /// </summary>
    public static async Task WaitAsync(ChildProcess process, int port, TimeSpan patience, CancellationToken cancellationToken)
    {
        var address = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/readyz"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(patience);
        var last = "no answer";
        try
        {
            while (true)
            {
                process.ThrowIfExited();
                try
                {
                    using var response = await Http.GetAsync(address, timeout.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }

                    last = $"{(int)response.StatusCode} {(await response.Content.ReadAsStringAsync(timeout.Token)).Trim()}";
                }
                catch (HttpRequestException ex)
                {
                    last = ex.Message;
                }
                catch (TaskCanceledException) when (!timeout.IsCancellationRequested)
                {
                    // One probe took longer than the client's timeout (a busy machine): ask again.
                    last = $"no answer within {Http.Timeout.TotalSeconds:F0} s";
                }

                await Task.Delay(TimeSpan.FromMilliseconds(150), timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DemoException($"{process.Name} (pid {process.Pid}) was not ready within {patience.TotalSeconds:F0} s (last /readyz: {last}); its last output ({process.LogPath}):\n{process.Tail}");
        }
    }
}

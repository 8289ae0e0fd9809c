using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>
/// A server started by a test: its output lines are kept (for failure messages) and watched for
/// the line that says it is ready; disposing kills it, with its children, by PID.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Regex _readyLine;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Match> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private ChildProcess(ProcessStartInfo info, Regex readyLine)
    {
        _readyLine = readyLine;
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
    }

    /// <summary>The process's PID.</summary>
    public int Pid => _process.Id;

    /// <summary>Everything it wrote so far, standard output and error interleaved.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts <paramref name="info"/> (output redirected) and watches its lines for <paramref name="readyLine"/>.</summary>
    public static ChildProcess Start(ProcessStartInfo info, Regex readyLine)
    {
        var child = new ChildProcess(info, readyLine);
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// The ready line's match; throws with the output when the process exits first or
    /// <paramref name="timeout"/> passes (the caller disposes it).
    /// </summary>
    public async Task<Match> WaitReadyAsync(string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        var exited = _process.WaitForExitAsync(bound.Token);
        try
        {
            if (await Task.WhenAny(_ready.Task, exited) == _ready.Task)
            {
                return await _ready.Task;
            }

            await exited;
        }
        catch (OperationCanceledException e)
        {
            throw new InvalidOperationException($"{what} did not get ready within {timeout}:\n{Output}", e);
        }

        throw new InvalidOperationException($"{what} exited with {_process.ExitCode} before it was ready:\n{Output}");
    }

    /// <summary>Waits (bounded) for the process to exit by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        await _process.WaitForExitAsync(bound.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the process (and its children) and waits for it; a second call does nothing (a test and its stack may both dispose it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(exit.Token);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (!_ready.Task.IsCompleted && _readyLine.Match(line) is { Success: true } match)
        {
            _ready.TrySetResult(match);
        }
    }
}

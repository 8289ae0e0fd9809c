using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>Keeps every log entry, and lets a test wait for one (instead of sleeping).</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _logged = NewSource();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Completes once an entry named <paramref name="eventName"/> (and matching <paramref name="predicate"/>) was logged; fails after the hang guard.</summary>
    public async Task<LogEntry> WhenLoggedAsync(string eventName, Func<LogEntry, bool>? predicate = null)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        while (true)
        {
            Task logged;
            lock (_lock)
            {
                logged = _logged.Task;
            }

            foreach (var entry in _entries)
            {
                if (entry.EventId.Name == eventName && (predicate is null || predicate(entry)))
                {
                    return entry;
                }
            }

            await logged.WaitAsync(guard.Token);
        }
    }

    public void Dispose()
    {
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Add(LogEntry entry)
    {
        _entries.Enqueue(entry);
        TaskCompletionSource logged;
        lock (_lock)
        {
            logged = _logged;
            _logged = NewSource();
        }

        logged.TrySetResult();
    }

    /// <summary>One log entry as written.</summary>
    public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class Logger(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}

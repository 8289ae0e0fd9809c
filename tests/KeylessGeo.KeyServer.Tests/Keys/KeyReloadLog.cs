using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>
/// A logger provider that keeps the keyserver's key directory reload events, so a test can wait
/// for the reload that follows its change instead of sleeping.
/// </summary>
public sealed class KeyReloadLog : ILoggerProvider
{
    private readonly ConcurrentQueue<KeyReloadEvent> _events = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many reloads were logged so far (pass it to <see cref="WaitAsync"/> to see only later ones).</summary>
    public int Count => _events.Count;

    /// <summary>Waits for a reload logged after the first <paramref name="after"/> that matches <paramref name="predicate"/>.</summary>
    public async Task<KeyReloadEvent> WaitAsync(int after, Func<KeyReloadEvent, bool> predicate, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_lock)
            {
                next = _next.Task;
            }

            // Read after taking the waiter, so an event logged meanwhile is not missed.
            var match = _events.Skip(after).FirstOrDefault(predicate);
            if (match is not null)
            {
                return match;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Add(KeyReloadEvent reload)
    {
        _events.Enqueue(reload);
        TaskCompletionSource next;
        lock (_lock)
        {
            next = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        next.TrySetResult();
    }

    private sealed class Logger(KeyReloadLog owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name is not ("KeyDirectoryReloaded" or "KeyDirectoryReloadKeptLastGoodSet") || state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                return;
            }

            var values = fields.ToDictionary(field => field.Key, field => field.Value);
            int Number(string name) => values.TryGetValue(name, out var value) && value is not null ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : 0;
            owner.Add(new KeyReloadEvent(
                eventId.Name,
                values["Trigger"]?.ToString() ?? "",
                Number("Served"),
                Number("Added"),
                Number("Removed"),
                Number("Refused"),
                values.TryGetValue("RefusedFiles", out var files) ? files?.ToString() ?? "" : ""));
        }
    }
}

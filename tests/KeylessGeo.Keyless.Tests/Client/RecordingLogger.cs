using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>Keeps every log entry's event name and text, so tests can see what the client reported.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<(string Event, string Text)> _entries = new();

    public IReadOnlyList<(string Event, string Text)> Entries => [.. _entries];

    public int Count(string eventName) => Entries.Count(e => e.Event == eventName);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => _entries.Enqueue((eventId.Name ?? string.Empty, formatter(state, exception)));
}

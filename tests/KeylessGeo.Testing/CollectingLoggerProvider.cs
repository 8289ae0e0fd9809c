using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Testing;

/// <summary>
/// A logger provider that keeps error-level messages so tests can assert on them, and, from a
/// chosen minimum level, every message (for example to search all log text for secrets).
/// </summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _messages = new();
    private readonly LogLevel _minimumLevel;

    /// <summary>Collects errors, and every message at <paramref name="minimumLevel"/> or above in <see cref="Messages"/>.</summary>
    public CollectingLoggerProvider(LogLevel minimumLevel = LogLevel.Error) => _minimumLevel = minimumLevel;

    /// <summary>Error and critical messages, formatted as "category: message".</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>Messages at the minimum level or above, formatted as "category level: message exception".</summary>
    public IReadOnlyList<string> Messages => [.. _messages];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimumLevel || logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            if (logLevel >= LogLevel.Error)
            {
                owner._errors.Enqueue($"{category}: {message} {exception?.GetType().Name}");
            }

            if (logLevel >= owner._minimumLevel)
            {
                owner._messages.Enqueue($"{category} {logLevel}: {message} {exception}");
            }
        }
    }
}

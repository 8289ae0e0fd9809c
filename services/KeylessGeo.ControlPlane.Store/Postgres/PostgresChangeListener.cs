using System.Globalization;
using KeylessGeo.ControlPlane.Store.Changes;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>
/// Follows commits made anywhere: a dedicated connection runs <c>LISTEN keylessgeo_changes</c>
/// and publishes each notified revision on the store's <see cref="RevisionSignal"/>. After every
/// (re)connect, and whenever the connection has been quiet for a heartbeat, it re-reads the
/// revision, so a notification lost while disconnected is never a missed change. A dropped
/// connection is reopened with exponential backoff. Started on the first wait.
/// </summary>
internal sealed class PostgresChangeListener : IAsyncDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private readonly NpgsqlDataSource _dataSource;
    private readonly RevisionSignal _signal;
    private readonly TimeSpan _heartbeat;
    private readonly TimeSpan _maxBackoff;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private Task? _loop;
    private int _connects;

    public PostgresChangeListener(NpgsqlDataSource dataSource, RevisionSignal signal, TimeSpan heartbeat, TimeSpan maxBackoff, ILogger logger)
    {
        _dataSource = dataSource;
        _signal = signal;
        _heartbeat = heartbeat;
        _maxBackoff = maxBackoff;
        _logger = logger;
    }

    /// <summary>How many times the listening connection was (re)opened; for tests and diagnostics.</summary>
    public int Connects => Volatile.Read(ref _connects);

    /// <summary>Starts listening unless already started.</summary>
    public void EnsureStarted()
    {
        lock (_lock)
        {
            if (_loop is null && !_stop.IsCancellationRequested)
            {
                _loop = Task.Run(() => RunAsync(_stop.Token));
            }
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = FirstBackoff;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
                    {
                        _signal.Publish(revision);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresCommitter.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }

                // Listening now: whatever committed before this point is in the revision row.
                await PublishRevisionAsync(connection, stop).ConfigureAwait(false);
                if (Interlocked.Increment(ref _connects) > 1)
                {
                    PostgresStoreLog.ListenerReconnected(_logger, _signal.Revision);
                }

                backoff = FirstBackoff;
                while (!stop.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(_heartbeat, stop).ConfigureAwait(false))
                    {
                        await PublishRevisionAsync(connection, stop).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (PostgresErrors.IsUnavailable(e) || e is InvalidOperationException)
            {
                PostgresStoreLog.ListenerFailed(_logger, backoff, e);
                try
                {
                    // Real time on purpose: the store's clock is the database's, and backoff paces I/O.
                    await Task.Delay(backoff, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _maxBackoff.Ticks));
            }
        }
    }

    private async Task PublishRevisionAsync(NpgsqlConnection connection, CancellationToken stop)
    {
        await using var command = new NpgsqlCommand("SELECT revision FROM store_revision", connection);
        _signal.Publish((long)(await command.ExecuteScalarAsync(stop).ConfigureAwait(false))!);
    }

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_lock)
        {
            _stop.Cancel();
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}

using System.Net.Sockets;
using Npgsql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>
/// The one place PostgreSQL failures become <see cref="StoreUnavailableException"/>: anything
/// Npgsql or the network throws (unreachable server, broken connection, timeout, a server
/// error). Caller cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal static class PostgresErrors
{
    /// <summary>Whether <paramref name="exception"/> is an operational failure to report as unavailable.</summary>
    public static bool IsUnavailable(Exception exception) =>
        exception is NpgsqlException or TimeoutException or IOException or SocketException;

    /// <summary>The exception to throw for a failed <paramref name="operation"/>.</summary>
    public static StoreUnavailableException Unavailable(string operation, Exception exception)
    {
        var detail = exception is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : exception.Message;
        return new StoreUnavailableException($"PostgreSQL store: {operation} failed: {detail}", exception);
    }
}

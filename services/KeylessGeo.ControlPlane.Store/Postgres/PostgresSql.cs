using Npgsql;
using NpgsqlTypes;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>Small helpers for positional-parameter commands.</summary>
internal static class PostgresSql
{
    /// <summary>A batch command with positional parameters <c>$1</c>, <c>$2</c>, … in order.</summary>
    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>A parameter whose type Npgsql infers from the value.</summary>
    public static NpgsqlParameter Value(object value) => new() { Value = value };

    /// <summary>A parameter that may be null, with its type given.</summary>
    public static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    /// <summary>A timestamptz parameter: Npgsql writes only UTC offsets, and the instant is what is stored.</summary>
    public static NpgsqlParameter Timestamp(DateTimeOffset value) => new() { Value = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };

    /// <summary>A text[] parameter.</summary>
    public static NpgsqlParameter TextArray(IEnumerable<string> values) => new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}

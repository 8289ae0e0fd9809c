using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KeylessGeo.ControlPlane.Audit;

/// <summary>
/// Builds the canonical JSON of an audit entry's details: object keys sorted (ordinal), no
/// whitespace, arrays in the order given. Values: strings, integers, booleans, null, sequences
/// of strings, nested <see cref="AuditDetails"/>. Never put key material in here.
/// </summary>
public sealed class AuditDetails
{
    private readonly SortedDictionary<string, object?> _fields = new(StringComparer.Ordinal);

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/> (replacing any earlier value).</summary>
    public AuditDetails Add(string name, object? value)
    {
        _fields[name] = value;
        return this;
    }

    /// <summary>The canonical JSON text.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, this);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <inheritdoc />
    public override string ToString() => ToJson();

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case DateTimeOffset time:
                writer.WriteStringValue(time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                break;
            case AuditDetails nested:
                writer.WriteStartObject();
                foreach (var (name, field) in nested._fields)
                {
                    writer.WritePropertyName(name);
                    Write(writer, field);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"audit details cannot hold a {value.GetType().Name}", nameof(value));
        }
    }
}

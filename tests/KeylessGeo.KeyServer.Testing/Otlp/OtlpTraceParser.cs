using System.Globalization;
using Google.Protobuf;

namespace KeylessGeo.KeyServer.Testing.Otlp;

/// <summary>
/// Reads the spans of an OTLP <c>ExportTraceServiceRequest</c> body with the protobuf wire reader,
/// by the field numbers of opentelemetry/proto/trace/v1/trace.proto (no generated classes: the
/// OTLP proto package is not available here). Only what the tests look at is read.
/// </summary>
public static class OtlpTraceParser
{
    public static IReadOnlyList<OtlpSpan> Parse(byte[] body)
    {
        var spans = new List<OtlpSpan>();

        // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
        foreach (var resourceSpans in Messages(ByteString.CopyFrom(body), 1))
        {
            // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
            var service = Messages(resourceSpans, 1).Select(r => Attributes(r, 1)).Select(a => a.GetValueOrDefault("service.name", "")).FirstOrDefault() ?? "";
            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                // ScopeSpans { repeated Span spans = 2; }
                spans.AddRange(Messages(scopeSpans, 2).Select(span => ParseSpan(service, span)));
            }
        }

        return spans;
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5;
    //        SpanKind kind = 6; repeated KeyValue attributes = 9; }
    private static OtlpSpan ParseSpan(string service, ByteString span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var input = span.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 4: parent = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 5: name = input.ReadString(); break;
                case 6: kind = input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }

        return new OtlpSpan(service, traceId, spanId, parent, name, kind, Attributes(span, 9));
    }

    // KeyValue { string key = 1; AnyValue value = 2; }
    // AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3; }
    private static Dictionary<string, string> Attributes(ByteString message, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Messages(message, field))
        {
            string key = "", value = "";
            var input = keyValue.CreateCodedInput();
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 1)
                {
                    key = input.ReadString();
                }
                else if (WireFormat.GetTagFieldNumber(tag) == 2)
                {
                    value = AnyValue(input.ReadBytes());
                }
                else
                {
                    input.SkipLastField();
                }
            }

            attributes[key] = value;
        }

        return attributes;
    }

    private static string AnyValue(ByteString value)
    {
        var input = value.CreateCodedInput();
        var tag = input.ReadTag();
        return WireFormat.GetTagFieldNumber(tag) switch
        {
            1 => input.ReadString(),
            2 => input.ReadBool() ? "true" : "false",
            3 => input.ReadInt64().ToString(CultureInfo.InvariantCulture),
            _ => "",
        };
    }

    private static List<ByteString> Messages(ByteString message, int field)
    {
        var found = new List<ByteString>();
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }
}

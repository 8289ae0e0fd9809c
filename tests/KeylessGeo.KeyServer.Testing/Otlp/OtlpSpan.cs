namespace KeylessGeo.KeyServer.Testing.Otlp;

/// <summary>One span as an OTLP trace export carried it (ids in lower-case hex).</summary>
/// <param name="Service">The exporting process's <c>service.name</c>.</param>
/// <param name="TraceId">The trace id.</param>
/// <param name="SpanId">The span id.</param>
/// <param name="ParentSpanId">The parent span's id; empty for a root span.</param>
/// <param name="Name">The span's name.</param>
/// <param name="Kind">The OTLP span kind (2 server, 3 client).</param>
/// <param name="Attributes">The span's string, integer and boolean attributes, as text.</param>
public sealed record OtlpSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>OTLP's <c>SPAN_KIND_SERVER</c>.</summary>
    public const int ServerKind = 2;

    /// <summary>OTLP's <c>SPAN_KIND_CLIENT</c>.</summary>
    public const int ClientKind = 3;
}

namespace KeylessGeo.Testing.Prometheus;

/// <summary>One sample line of a Prometheus text exposition: name, labels and value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

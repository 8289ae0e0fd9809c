namespace KeylessGeo.Serving.Diagnostics;

/// <summary>
/// The meter the listeners' instruments belong to: the host's own ("KeylessGeo.KeyServer",
/// "KeylessGeo.EdgeAgent"), so one process exports one meter and its instruments keep the same
/// names whichever host serves them.
/// </summary>
/// <param name="Name">The meter name.</param>
public sealed record ServingMeter(string Name);

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>One logged key directory reload (<c>KeyDirectoryReloaded</c> or <c>KeyDirectoryReloadKeptLastGoodSet</c>).</summary>
public sealed record KeyReloadEvent(string EventName, string Trigger, int Served, int Added, int Removed, int Refused, string RefusedFiles);

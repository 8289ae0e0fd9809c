using KeylessGeo.EdgeHost.Configuration;

namespace KeylessGeo.EdgeHost.OpenSsl;

/// <summary>
/// The OpenSSL module, loaded once per process and held until it exits: from
/// <see cref="EngineOptions.Path"/> through OpenSSL's <c>dynamic</c> engine (added to OpenSSL's
/// engine list, so that <c>OpenPrivateKeyFromEngine</c> finds it by id), or by id from OpenSSL's
/// engines directory; then its control commands, then initialised.
/// </summary>
internal sealed class EngineModule
{
    private readonly nint _engine;

    private EngineModule(string id, nint engine)
    {
        Id = id;
        _engine = engine;
    }

    /// <summary>The engine id keys are opened with.</summary>
    public string Id { get; }

    /// <summary>Loads and initialises the module; on a problem adds it to <paramref name="failures"/> and returns null.</summary>
    public static EngineModule? Load(EngineOptions options, List<string> failures)
    {
        LibCrypto.DrainErrors();
        var engine = options.Path.Length > 0 ? LoadFromPath(options) : LibCrypto.EngineById(options.Id);
        if (engine == 0)
        {
            var where = options.Path.Length > 0 ? $"from '{options.Path}'" : "from OpenSSL's engines directory";
            failures.Add($"{EngineOptions.SectionName}: the OpenSSL module '{options.Id}' cannot be loaded {where}: {Reason()}");
            return null;
        }

        foreach (var (command, argument) in options.Commands)
        {
            if (LibCrypto.EngineControlCommand(engine, command, argument, 0) != 1)
            {
                failures.Add($"{EngineOptions.SectionName}:Commands:{command}: the module refused '{argument}': {Reason()}");
            }
        }

        if (failures.Count > 0)
        {
            LibCrypto.EngineFree(engine);
            return null;
        }

        if (LibCrypto.EngineInit(engine) != 1)
        {
            failures.Add($"{EngineOptions.SectionName}: the OpenSSL module '{options.Id}' failed to initialise: {Reason()}");
            LibCrypto.EngineFree(engine);
            return null;
        }

        // The structural and functional references stay until the process exits: keys opened
        // from the engine point into the module.
        return new EngineModule(options.Id, engine);
    }

    /// <summary>True while the module is loaded (always, once <see cref="Load"/> returned it).</summary>
    public bool IsLoaded => _engine != 0;

    private static nint LoadFromPath(EngineOptions options)
    {
        var engine = LibCrypto.EngineById("dynamic");
        if (engine == 0)
        {
            return 0;
        }

        var loaded = LibCrypto.EngineControlCommand(engine, "SO_PATH", Path.GetFullPath(options.Path), 0) == 1
            && LibCrypto.EngineControlCommand(engine, "ID", options.Id, 0) == 1
            && LibCrypto.EngineControlCommand(engine, "LIST_ADD", "1", 0) == 1
            && LibCrypto.EngineControlCommand(engine, "LOAD", null, 0) == 1;
        if (!loaded)
        {
            LibCrypto.EngineFree(engine);
            return 0;
        }

        return engine;
    }

    private static string Reason()
    {
        var reason = LibCrypto.DrainErrors();
        return reason.Length > 0 ? reason : "OpenSSL gave no reason";
    }
}

using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace KeylessGeo.Deployment.Tests.Infrastructure;

/// <summary>docker-compose.yml at the repository root, and what each of its services runs.</summary>
internal sealed class ComposeFile
{
    /// <summary>The file, relative to the root.</summary>
    public const string FileName = "docker-compose.yml";

    /// <summary>The folder the documented command writes the TLS material to.</summary>
    public const string TlsFolder = "./deploy/compose/tls";

    private ComposeFile(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public IEnumerable<(string Name, YamlNode Service)> Services => Root.Get("services").Entries();

    public static ComposeFile Load() => new(Yaml.Documents(RepositoryFiles.Read(FileName)).Single());

    public YamlNode Service(string name) => Root.Get("services").Get(name) ?? throw new InvalidOperationException($"no service '{name}'");

    /// <summary>The Dockerfile that builds <paramref name="image"/> (from the service that has a build for it), or null.</summary>
    public string? DockerfileOf(string image) =>
        Services.Where(s => s.Service.Text("image") == image && s.Service.Get("build") is not null)
            .Select(s => s.Service.Text("build/dockerfile")).FirstOrDefault();

    /// <summary>
    /// The executable a service runs: the DLL of its image's Dockerfile's entry point, unless the
    /// service replaces the entry point (then null: it runs something else, such as a shell).
    /// </summary>
    public Executable? ExecutableOf(YamlNode service)
    {
        if (service.Get("entrypoint") is not null || service.Text("image") is not { } image || DockerfileOf(image) is not { } dockerfile)
        {
            return null;
        }

        var entrypoint = Dockerfiles.EntryPoint(dockerfile);
        return entrypoint.Count >= 2 && entrypoint[0] == "dotnet" ? Executable.ByDll(entrypoint[1]) : null;
    }

    /// <summary>The service's environment as a dictionary (both compose forms).</summary>
    public static IReadOnlyDictionary<string, string> Environment(YamlNode service)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in service.Get("environment").Entries())
        {
            environment[key] = value.Text() ?? "";
        }

        foreach (var item in service.Seq("environment").Select(n => n.Text() ?? ""))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            environment[equals < 0 ? item : item[..equals]] = equals < 0 ? "" : item[(equals + 1)..];
        }

        return environment;
    }

    /// <summary>The service's volumes as (source, target): a named volume, or a host path starting with '.'.</summary>
    public static IEnumerable<(string Source, string Target)> Volumes(YamlNode service) =>
        service.Seq("volumes").Select(v => v.Text() ?? "").Select(v => v.Split(':')).Select(parts => (parts[0], parts[1]));

    /// <summary>The host file mounted at <paramref name="containerPath"/> in <paramref name="service"/>, or null.</summary>
    public static string? HostFileAt(YamlNode service, string containerPath) =>
        Volumes(service).Where(v => v.Source.StartsWith('.') && v.Target == containerPath).Select(v => v.Source).FirstOrDefault();

    /// <summary>The datacenters of deploy/compose/topology.json with their regions.</summary>
    public static IReadOnlyDictionary<string, string> Topology()
    {
        using var json = JsonDocument.Parse(RepositoryFiles.Read("deploy/compose/topology.json"));
        return json.RootElement.GetProperty("datacenters").EnumerateArray()
            .ToDictionary(dc => dc.GetProperty("id").GetString()!, dc => dc.GetProperty("region").GetString()!, StringComparer.Ordinal);
    }
}

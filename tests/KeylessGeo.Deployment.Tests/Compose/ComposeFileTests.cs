using System.Net;
using KeylessGeo.Cli.Commands.DevCerts;
using KeylessGeo.ControlPlane.Hosting;
using KeylessGeo.Deployment.Tests.Infrastructure;
using KeylessGeo.EdgeAgent.Configuration;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Configuration;
using YamlDotNet.RepresentationModel;

namespace KeylessGeo.Deployment.Tests.Compose;

/// <summary>
/// docker-compose.yml checked without Docker: it parses, every image is built from a Dockerfile
/// in the repository and runs as non-root, every setting it gives a service (environment
/// variables, the mounted JSON file) is one that service's executable accepts with a value of the
/// right type, every published port is one it listens on, and every file it reads comes from the
/// documented command or the repository.
/// </summary>
public sealed class ComposeFileTests
{
    private readonly ComposeFile _compose = ComposeFile.Load();

    [Fact]
    public void TheFile_RunsACluster_InTwoRegions_WithAnEdgeAgentPerDatacenter()
    {
        var topology = ComposeFile.Topology();
        var keyservers = KeyserverServices().ToList();
        var regions = keyservers.Select(k => topology[Settings(k.Service).Section<KeyServerOptions>(KeyServerOptions.SectionName).Datacenter]).Distinct().ToList();
        var agentDatacenters = Services(Executable.EdgeAgent).Select(a => Settings(a.Service).Section<AgentOptions>(AgentOptions.SectionName).Datacenter).ToHashSet();

        Assert.NotNull(_compose.Root.Get("services").Get("postgres"));
        Assert.NotNull(_compose.Root.Get("services").Get("redis"));
        Assert.Single(Services(Executable.ControlPlane));
        Assert.True(regions.Count >= 2, $"keyservers in {regions.Count} region(s)");
        Assert.Equal(topology.Keys.Order(StringComparer.Ordinal), agentDatacenters.Order(StringComparer.Ordinal));
        Assert.All(keyservers, k => Assert.True(Settings(k.Service).Section<ClusterOptions>(ClusterOptions.SectionName).Enabled, k.Name));
    }

    [Fact]
    public void EveryImage_IsBuiltFromADockerfileThatExists_AndRunsAsUser10001()
    {
        var images = _compose.Services.Select(s => s.Service.Text("image")).OfType<string>().Where(i => i.StartsWith("keylessgeo/", StringComparison.Ordinal)).Distinct().ToList();

        Assert.Equal(4, images.Count);
        foreach (var image in images)
        {
            var dockerfile = _compose.DockerfileOf(image);
            Assert.True(dockerfile is not null, $"no service builds {image}");
            Assert.True(File.Exists(RepositoryFiles.PathOf(dockerfile)), $"{dockerfile} (for {image}) does not exist");
            Assert.Equal("10001:10001", Dockerfiles.User(dockerfile));
            var entrypoint = Dockerfiles.EntryPoint(dockerfile);
            Assert.True(Executable.ByDll(entrypoint[1]) is not null, $"{dockerfile} starts {string.Join(' ', entrypoint)}");
            Assert.Equal(RepositoryFiles.Root, Path.GetFullPath(RepositoryFiles.PathOf(_compose.Services.First(s => s.Service.Text("image") == image && s.Service.Get("build") is not null).Service.Text("build/context")!)).TrimEnd('/'));
        }
    }

    [Fact]
    public void EveryCommandAndSetting_IsOneTheExecutableAccepts()
    {
        var problems = new List<string>();
        var checkedServices = 0;
        foreach (var (name, service) in _compose.Services)
        {
            if (_compose.ExecutableOf(service) is not { } executable)
            {
                Assert.DoesNotContain(ComposeFile.Environment(service).Keys, key => key.StartsWith("KEYLESSGEO", StringComparison.Ordinal));
                continue;
            }

            checkedServices++;
            var command = service.Get("command").Words();
            for (var i = 0; i < command.Count; i++)
            {
                if (command[i] != "--config" || i + 1 == command.Count)
                {
                    problems.Add($"{name}: command word '{command[i]}' is not --config FILE");
                    continue;
                }

                var file = ComposeFile.HostFileAt(service, command[++i]);
                if (file is null || !File.Exists(RepositoryFiles.PathOf(file)))
                {
                    problems.Add($"{name}: --config {command[i]} is not a file of the repository mounted there");
                }
            }

            // Every KEYLESSGEO variable must be this executable's: the agent's prefix is longer than the others'.
            foreach (var variable in ComposeFile.Environment(service).Keys.Where(k => k.StartsWith("KEYLESSGEO", StringComparison.Ordinal) && !k.StartsWith(executable.EnvironmentPrefix, StringComparison.Ordinal)))
            {
                problems.Add($"{name}: {variable} does not have the {executable.Name}'s prefix {executable.EnvironmentPrefix}");
            }

            Settings(service, problems);
        }

        Assert.Equal(13, checkedServices);
        Assert.Empty(problems);
    }

    [Fact]
    public void EveryPublishedPort_IsOneTheServiceListensOn_OnEveryInterface()
    {
        var problems = new List<string>();
        var published = new List<(string Service, int Host, int Container)>();
        foreach (var (name, service) in _compose.Services.Where(s => _compose.ExecutableOf(s.Service) is not null))
        {
            var listeners = Settings(service).Listeners();
            foreach (var mapping in service.Seq("ports").Select(p => p.Text() ?? ""))
            {
                var parts = mapping.Split(':');
                var (host, container) = (int.Parse(parts[^2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture));
                published.Add((name, host, container));
                var listener = listeners.Where(l => l.Port == container).ToList();
                if (listener.Count == 0)
                {
                    problems.Add($"{name}: publishes {container}, which it does not listen on (it listens on {string.Join(", ", listeners.Select(l => $"{l.What} {l.Port}"))})");
                }
                else if (IPAddress.IsLoopback(IPAddress.Parse(listener[0].Address)))
                {
                    problems.Add($"{name}: publishes {container}, which it binds to {listener[0].Address} only");
                }
            }
        }

        Assert.Empty(problems);
        Assert.Contains(published, p => p.Host == 2407 && p.Container == 2407 && p.Service.StartsWith("keyserver-", StringComparison.Ordinal));
        Assert.Contains(published, p => p.Container == 8443);
        Assert.Equal(published.Count, published.Select(p => p.Host).Distinct().Count());
    }

    [Fact]
    public async Task EveryFileTheServicesRead_IsProducedByTheDocumentedCommand_OrTheirImage()
    {
        const string Documented = "dev-certs deploy/compose/tls";
        Assert.Contains(Documented, RepositoryFiles.Read(ComposeFile.FileName), StringComparison.Ordinal);
        Assert.Contains(Documented, RepositoryFiles.Read("docs/DEPLOYMENT.md"), StringComparison.Ordinal);
        Assert.Equal(ComposeFile.Topology().Keys.Order(StringComparer.Ordinal), DevCertificateSet.DefaultDatacenters.Order(StringComparer.Ordinal));
        var output = Directory.CreateTempSubdirectory("keylessgeo-compose-tls-").FullName;
        try
        {
            // The documented command, run as the operator would (its defaults: no --datacenter).
            using var stdout = new StringWriter();
            var exitCode = await KeylessGeo.Cli.Program.RunAsync(["dev-certs", output], stdout, stdout, Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(stdout) }));
            Assert.True(exitCode == 0, stdout.ToString());

            var tlsInit = _compose.Service("tls-init");
            Assert.Contains((ComposeFile.TlsFolder, "/material"), ComposeFile.Volumes(tlsInit));
            Assert.Contains(("tls", "/tls"), ComposeFile.Volumes(tlsInit));
            var script = string.Join(' ', tlsInit.Get("entrypoint").Words());
            Assert.Contains("install -o 10001 -g 10001 -m 0600 /material/*.key /tls/", script, StringComparison.Ordinal);
            Assert.Contains("install -o 10001 -g 10001 -m 0644 /material/*.crt /tls/", script, StringComparison.Ordinal);

            var problems = new List<string>();
            var files = 0;
            foreach (var (name, service) in _compose.Services.Where(s => _compose.ExecutableOf(s.Service) is not null))
            {
                var dockerfile = Dockerfiles.Text(_compose.DockerfileOf(service.Text("image")!)!);
                foreach (var (key, path) in Settings(service).FilePaths())
                {
                    files++;
                    if (ComposeFile.Volumes(service).FirstOrDefault(v => v.Target == path).Source is { } bound)
                    {
                        // A single file mounted from the host: generated material, or a file of the repository.
                        if (GeneratedFile(output, bound) is { } generatedFile ? !File.Exists(generatedFile) : !File.Exists(RepositoryFiles.PathOf(bound)))
                        {
                            problems.Add($"{name}: {key} {path} is mounted from {bound}, which neither keylessgeo {Documented} writes nor the repository has");
                        }

                        continue;
                    }

                    if (Dockerfiles.CopyTargets(_compose.DockerfileOf(service.Text("image")!)!).Contains(path))
                    {
                        // Shipped in the image (the edge host's OpenSSL engine).
                        continue;
                    }

                    var directory = Path.GetDirectoryName(path)!;
                    var volume = ComposeFile.Volumes(service).FirstOrDefault(v => v.Target == directory).Source;
                    if (volume == "tls")
                    {
                        var generated = Path.Combine(output, Path.GetFileName(path));
                        if (!File.Exists(generated))
                        {
                            problems.Add($"{name}: {key} {path} is not written by keylessgeo {Documented}");
                        }
                        else if (path.EndsWith(".key", StringComparison.Ordinal) && File.GetUnixFileMode(generated) != (UnixFileMode.UserRead | UnixFileMode.UserWrite))
                        {
                            problems.Add($"{name}: {generated} is not mode 0600");
                        }
                    }
                    else if (volume is null || !_compose.Root.Get("volumes").Entries().Any(v => v.Key == volume) || !dockerfile.Contains(directory, StringComparison.Ordinal))
                    {
                        // A file the process creates itself (a wrapping key): a named volume on a folder its image makes for uid 10001.
                        problems.Add($"{name}: {key} {path} is neither generated material nor in a named volume on a folder of its image");
                    }
                }

                foreach (var (source, _) in ComposeFile.Volumes(service).Where(v => v.Source.StartsWith('.') && v.Source != ComposeFile.TlsFolder))
                {
                    if (GeneratedFile(output, source) is { } generatedFile)
                    {
                        if (!File.Exists(generatedFile))
                        {
                            problems.Add($"{name}: mounts {source}, which keylessgeo {Documented} does not write");
                        }
                        else if (source.EndsWith(".key", StringComparison.Ordinal))
                        {
                            problems.Add($"{name}: mounts the private key {source}; only the keyservers get keys (through the control plane)");
                        }
                    }
                    else if (!File.Exists(RepositoryFiles.PathOf(source)))
                    {
                        problems.Add($"{name}: mounts {source}, which is not in the repository");
                    }
                }
            }

            Assert.Empty(problems);
            Assert.True(files >= 9 * 3, $"only {files} file settings checked");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void TheCluster_IsWired_StoreMembershipAdvertisedEndpointsSilosAndAgents()
    {
        var subnet = _compose.Root.Get("networks").Entries().Single().Value.Seq("ipam/config").Single().Text("subnet")!;
        var services = _compose.Root.Get("services");
        foreach (var (name, service) in KeyserverServices())
        {
            var settings = Settings(service);
            var datacenter = settings.Section<KeyServerOptions>(KeyServerOptions.SectionName).Datacenter;
            var cluster = settings.Section<ClusterOptions>(ClusterOptions.SectionName);
            Assert.Equal(DevCertificateSet.KeyserverHost(datacenter), name);
            Assert.Equal("postgresql", cluster.Store.Kind);
            Assert.Contains("Host=postgres;", cluster.Store.ConnectionString, StringComparison.Ordinal);
            Assert.Equal("redis", cluster.Membership.Kind);
            Assert.StartsWith("redis:", cluster.Membership.ConnectionString, StringComparison.Ordinal);
            Assert.All(cluster.AdvertisedEndpoints, endpoint => Assert.Equal(name, new Uri(endpoint).Host));
            Assert.Equal(service.Text("networks/keylessgeo/ipv4_address"), cluster.Silo.Address);
            Assert.True(System.Net.IPNetwork.Parse(subnet).Contains(IPAddress.Parse(cluster.Silo.Address)), $"{name}: silo {cluster.Silo.Address} outside {subnet}");
            Assert.Equal($"/etc/keylessgeo/tls/{name}.crt", settings.Configuration["Listen:CertificatePath"]);
        }

        foreach (var (name, agent) in Services(Executable.EdgeAgent))
        {
            var settings = Settings(agent);
            var datacenter = settings.Section<AgentOptions>(AgentOptions.SectionName).Datacenter;
            var local = new Uri(settings.Section<UpstreamOptions>(UpstreamOptions.SectionName).LocalKeyserver);
            Assert.Equal(DevCertificateSet.KeyserverHost(datacenter), local.Host);
            Assert.NotNull(services.Get(local.Host));
            var socketFolder = Path.GetDirectoryName(settings.Section<EndpointOptions>(EndpointOptions.SectionName).KeylessUnixSocket);
            Assert.Contains(ComposeFile.Volumes(agent), v => v.Target == socketFolder && v.Source == $"agent-{datacenter}-run");
        }

        var controlPlane = Settings(Services(Executable.ControlPlane).Single().Service).Section<ControlPlaneOptions>(ControlPlaneOptions.SectionName);
        Assert.Equal("postgresql", controlPlane.Store.Kind);
        Assert.Contains(controlPlane.Access.Grants, g => g.CertificateSubject == DevCertificateSet.OperatorSubject && g.Roles.Contains("admin"));
    }

    [Fact]
    public void EveryDatacenter_HasAnEdgeHost_BesideItsAgent_OnTheAgentsSocket_WithTheEngineFromItsImage_AndNoPrivateKey()
    {
        var hosts = Services(Executable.EdgeHost).ToList();
        var agents = Services(Executable.EdgeAgent).ToDictionary(a => Settings(a.Service).Section<AgentOptions>(AgentOptions.SectionName).Datacenter, StringComparer.Ordinal);
        Assert.Equal(ComposeFile.Topology().Keys.Order(StringComparer.Ordinal), hosts.Select(h => h.Name["edge-host-".Length..]).Order(StringComparer.Ordinal));
        var published = new List<int>();
        foreach (var (name, service) in hosts)
        {
            var datacenter = name["edge-host-".Length..];
            var settings = Settings(service);
            var (agentName, agent) = agents[datacenter];
            var engine = settings.Section<KeylessGeo.EdgeHost.Configuration.EngineOptions>(KeylessGeo.EdgeHost.Configuration.EngineOptions.SectionName);
            var agentSocket = Settings(agent).Section<EndpointOptions>(EndpointOptions.SectionName).KeylessUnixSocket;

            // The engine talks to this datacenter's agent: the same socket path, in the same named volume.
            Assert.Equal(agentSocket, engine.Commands["SOCKET_PATH"]);
            var socketFolder = Path.GetDirectoryName(agentSocket);
            var shared = ComposeFile.Volumes(service).Single(v => v.Target == socketFolder).Source;
            Assert.Equal($"agent-{datacenter}-run", shared);
            Assert.Contains(ComposeFile.Volumes(agent), v => v.Target == socketFolder && v.Source == shared);
            Assert.Contains(agentName, service.Get("depends_on").Entries().Select(e => e.Key));
            Assert.Equal($"edge-{datacenter}-1", settings.Section<KeylessGeo.EdgeHost.Configuration.EdgeHostOptions>(KeylessGeo.EdgeHost.Configuration.EdgeHostOptions.SectionName).Id);

            // The engine is in the image where the settings look for it; the OpenSSL module's id is the one it registers.
            var dockerfile = _compose.DockerfileOf(service.Text("image")!)!;
            Assert.Contains(engine.Path, Dockerfiles.CopyTargets(dockerfile));
            Assert.Equal("keylessgeo", engine.Id);

            // Certificates only, for the names dev-certs issues; TLS published.
            var certificates = settings.Section<List<KeylessGeo.EdgeHost.Configuration.CertificateOptions>>(KeylessGeo.EdgeHost.Configuration.CertificateOptions.SectionName);
            Assert.Equal(DevCertificateSet.WebServerNames, certificates.SelectMany(c => c.Hosts));
            Assert.All(certificates, c => Assert.Empty(c.LocalKeyPath));
            Assert.DoesNotContain(ComposeFile.Volumes(service), v => v.Source.EndsWith(".key", StringComparison.Ordinal) || v.Source == "tls");
            var tls = settings.Listeners().Single(l => l.What == "tls");
            published.AddRange(service.Seq("ports").Select(p => p.Text() ?? "").Where(p => p.EndsWith(":" + tls.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
                .Select(p => int.Parse(p.Split(':')[^2], System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.Equal(hosts.Count, published.Count);
        Assert.Contains(443, published);
    }

    [Fact]
    public void EveryDockerfile_PublishesProjectsThatExist_AndTheEdgeHostImageBuildsTheEngine()
    {
        var dockerfiles = _compose.Services.Select(s => s.Service.Text("build/dockerfile")).OfType<string>().Distinct().ToList();
        Assert.Contains("edge-agent/KeylessGeo.EdgeHost/Dockerfile", dockerfiles);
        foreach (var dockerfile in dockerfiles)
        {
            var projects = Dockerfiles.PublishedProjects(dockerfile);
            Assert.NotEmpty(projects);
            Assert.All(projects, project => Assert.True(File.Exists(RepositoryFiles.PathOf(project)) || Directory.Exists(RepositoryFiles.PathOf(project)), $"{dockerfile} publishes {project}, which does not exist"));
        }

        var edgeHost = Dockerfiles.PublishedProjects("edge-agent/KeylessGeo.EdgeHost/Dockerfile");
        Assert.Contains("edge-agent/KeylessGeo.OpenSslEngine/KeylessGeo.OpenSslEngine.csproj", edgeHost);
        Assert.Contains("edge-agent/KeylessGeo.EdgeHost", edgeHost);
        var text = Dockerfiles.Text("edge-agent/KeylessGeo.EdgeHost/Dockerfile");
        Assert.Contains("zlib1g-dev", text, StringComparison.Ordinal);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", text, StringComparison.Ordinal);
        Assert.Equal(["dotnet", "KeylessGeo.EdgeHost.dll"], Dockerfiles.EntryPoint("edge-agent/KeylessGeo.EdgeHost/Dockerfile"));
    }

    /// <summary>The file the documented command wrote for <paramref name="source"/> (a mount from the TLS folder), or null when it is not one.</summary>
    private static string? GeneratedFile(string output, string source) =>
        source.StartsWith(ComposeFile.TlsFolder + "/", StringComparison.Ordinal) ? Path.Combine(output, source[(ComposeFile.TlsFolder.Length + 1)..]) : null;

    private IEnumerable<(string Name, YamlNode Service)> Services(Executable executable) =>
        _compose.Services.Where(s => _compose.ExecutableOf(s.Service) == executable);

    private IEnumerable<(string Name, YamlNode Service)> KeyserverServices() => Services(Executable.KeyServer);

    private DeployedSettings Settings(YamlNode service, List<string>? problems = null)
    {
        var executable = _compose.ExecutableOf(service)!;
        var command = service.Get("command").Words();
        var config = command.SkipWhile(w => w != "--config").Skip(1).FirstOrDefault();
        var file = config is null ? null : ComposeFile.HostFileAt(service, config);
        var own = problems ?? [];
        var settings = DeployedSettings.Bind(executable, file is null ? null : RepositoryFiles.PathOf(file), ComposeFile.Environment(service), own);
        if (problems is null)
        {
            Assert.Empty(own);
        }

        return settings;
    }
}

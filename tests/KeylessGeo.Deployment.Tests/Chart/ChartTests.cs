using System.Text.RegularExpressions;
using KeylessGeo.ControlPlane.Hosting;
using KeylessGeo.Deployment.Tests.Infrastructure;
using KeylessGeo.EdgeAgent.Configuration;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.Telemetry;
using YamlDotNet.RepresentationModel;

namespace KeylessGeo.Deployment.Tests.Chart;

/// <summary>
/// charts/keylessgeo checked without Helm (<see cref="ChartTemplates"/>: actions blanked, the rest
/// parsed): values and templates agree; each container's settings (its ConfigMap file and
/// environment) are ones its executable accepts; every file it reads is mounted (Secret and
/// ConfigMap items, or a 0600 copy made by an init container); ports, probes and Services meet
/// the listeners; every Secret key an operator must create is in docs/DEPLOYMENT.md.
/// </summary>
public sealed partial class ChartTests
{
    private static readonly Dictionary<string, Executable> Containers = new(StringComparer.Ordinal)
    {
        ["keyserver"] = Executable.KeyServer,
        ["edge-agent"] = Executable.EdgeAgent,
        ["controlplane"] = Executable.ControlPlane,
        ["edge-host"] = Executable.EdgeHost,
    };

    /// <summary>Each container's image in values.yaml (<c>images.KEY</c>).</summary>
    private static readonly Dictionary<string, string> ImageValues = new(StringComparer.Ordinal)
    {
        ["keyserver"] = "keyserver",
        ["edge-agent"] = "edgeAgent",
        ["controlplane"] = "controlPlane",
        ["edge-host"] = "edgeHost",
    };

    private readonly IReadOnlyList<YamlMappingNode> _resources = ChartTemplates.Resources();
    private readonly YamlMappingNode _values = Yaml.Documents(RepositoryFiles.Read(ChartTemplates.Chart + "/values.yaml")).Single();

    [Fact]
    public void EveryValuesReference_ExistsInValuesYaml()
    {
        var references = ChartTemplates.ValuesReferences().ToList();
        var missing = references.Where(path => path.Split('.').Aggregate((YamlNode?)_values, (node, key) => node.Get(key)) is null).ToList();

        Assert.True(references.Count > 10, $"only {references.Count} references found");
        Assert.Empty(missing);
    }

    [Fact]
    public void EachDatacenter_GetsAKeyserverDeployment_ServiceAndBudget_AndAnAgentDaemonSet_PinnedByRegionAndZone()
    {
        Assert.Equal("topology.kubernetes.io/region", _values.Text("regionLabel"));
        Assert.Equal("topology.kubernetes.io/zone", _values.Text("zoneLabel"));
        Assert.All(_values.Seq("datacenters"), dc => Assert.All(new[] { "name", "nodeRegion", "nodeZone", "replicas" }, key => Assert.NotNull(dc.Text(key))));
        foreach (var (template, kind, name) in new[] { ("keyserver.yaml", "Deployment", "keyserver-"), ("edge-agent.yaml", "DaemonSet", "edge-agent-") })
        {
            var text = ChartTemplates.Raw().Single(t => t.Name == template).Text;
            Assert.StartsWith("{{- range .Values.datacenters }}", text, StringComparison.Ordinal);
            Assert.Contains("- key: {{ $.Values.regionLabel }}", text, StringComparison.Ordinal);
            Assert.Contains("- key: {{ $.Values.zoneLabel }}", text, StringComparison.Ordinal);
            var workload = Single(kind, name);
            var terms = workload.Seq("spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms");
            Assert.Equal(2, Assert.Single(terms).Seq("matchExpressions").Count);
        }

        Assert.Contains(_resources, r => r.Text("kind") == "PodDisruptionBudget" && r.Text("metadata/name")!.StartsWith("keyserver-", StringComparison.Ordinal));
        Assert.Contains(_resources, r => r.Text("kind") == "PodDisruptionBudget" && r.Text("metadata/name") == "keylessgeo-controlplane");
        var keyserverService = Single("Service", "keyserver-");
        Assert.Contains(keyserverService.Seq("spec/ports"), p => p.Text("port") == "2407" && p.Text("targetPort") == "keyless");
        Assert.Contains(Single("Deployment", "keylessgeo-controlplane").Seq("spec/template/spec/containers"), c => c.Text("name") == "controlplane");
    }

    [Fact]
    public void EveryContainer_GetsSettingsItsExecutableAccepts_FromItsConfigMapFileAndEnvironment()
    {
        var configMap = ChartTemplates.Raw().Single(t => t.Name == "configmap.yaml").Text;
        Assert.Contains("(.Files.Glob \"config/*.json\").AsConfig", configMap, StringComparison.Ordinal);
        var problems = new List<string>();
        foreach (var (pod, container, executable) in MainContainers())
        {
            var settings = Settings(pod, container, executable, problems);
            Assert.NotNull(settings);
        }

        Assert.Equal(4, MainContainers().Count());
        Assert.Empty(problems);
    }

    [Fact]
    public void EveryFileAContainerReads_IsMounted_AndPrivateKeysTheRuleChecksAreCopied0600()
    {
        var problems = new List<string>();
        var checkedFiles = 0;
        foreach (var (pod, container, executable) in MainContainers())
        {
            var settings = Settings(pod, container, executable, problems)!;
            foreach (var (key, path) in settings.FilePaths())
            {
                checkedFiles++;
                if (ImageFile(container, path))
                {
                    // Shipped in the container's image (the edge host's OpenSSL engine).
                    continue;
                }

                var folder = Path.GetDirectoryName(path)!;
                var mount = container.Seq("volumeMounts").FirstOrDefault(m => m.Text("mountPath") == folder);
                var volume = mount is null ? null : Volume(pod, mount.Text("name")!);
                if (volume is null)
                {
                    problems.Add($"{executable.Name}: {key} {path}: nothing is mounted at {folder}");
                }
                else if (volume.Get("secret") is { } secret)
                {
                    if (!secret.Seq("items").Any(i => i.Text("path") == Path.GetFileName(path)))
                    {
                        problems.Add($"{executable.Name}: {key} {path}: the Secret volume '{mount!.Text("name")}' has no item {Path.GetFileName(path)}");
                    }

                    if (key.EndsWith("WrappingKeyPath", StringComparison.Ordinal))
                    {
                        problems.Add($"{executable.Name}: {key} {path} is a Secret file, which fsGroup makes group-readable: the 0600 rule refuses it");
                    }
                }
                else if (volume.Get("emptyDir") is not null && !CopiedPrivately(pod, mount!.Text("name")!, path))
                {
                    problems.Add($"{executable.Name}: {key} {path}: no init container copies it into '{mount.Text("name")}' with mode 0600");
                }
            }
        }

        Assert.Empty(problems);
        Assert.True(checkedFiles >= 10, $"only {checkedFiles} file settings checked");
    }

    [Fact]
    public void Pods_RunAsUser10001_WithFsGroup_AndSecretsInCertManagersLayout_DocumentedForTheOperator()
    {
        var deployment = RepositoryFiles.Read("docs/DEPLOYMENT.md");
        var problems = new List<string>();
        foreach (var pod in PodSpecs())
        {
            Assert.Equal("10001", pod.Text("securityContext/runAsUser"));
            Assert.Equal("10001", pod.Text("securityContext/fsGroup"));
            Assert.Equal("true", pod.Text("securityContext/runAsNonRoot"));
            foreach (var volume in pod.Seq("volumes"))
            {
                if (volume.Get("secret") is not { } secret)
                {
                    continue;
                }

                Assert.Equal("0440", secret.Text("defaultMode"));
                // Keys taken from values.yaml (the edge host's certificates) are checked with their values.
                foreach (var key in secret.Seq("items").Select(i => i.Text("key")!).Where(k => k != ChartTemplates.Placeholder))
                {
                    if (!deployment.Contains($"`{key}`", StringComparison.Ordinal))
                    {
                        problems.Add($"Secret key {key} (volume {volume.Text("name")}) is not in docs/DEPLOYMENT.md");
                    }

                    if (volume.Text("name") == "tls" && key is not ("tls.crt" or "tls.key" or "ca.crt"))
                    {
                        problems.Add($"TLS Secret key {key} is not one cert-manager writes");
                    }
                }
            }

            foreach (var reference in pod.Seq("containers").SelectMany(c => c.Seq("env")).Select(e => e.Get("valueFrom").Get("secretKeyRef")).OfType<YamlNode>())
            {
                if (!deployment.Contains($"`{reference.Text("key")}`", StringComparison.Ordinal))
                {
                    problems.Add($"Secret key {reference.Text("key")} is not in docs/DEPLOYMENT.md");
                }
            }
        }

        // Every Secret a Certificate writes is one a pod mounts (the same template expression).
        var certificates = SecretNames(ChartTemplates.Raw().Single(t => t.Name == "certificates.yaml").Text).ToList();
        var mounted = ChartTemplates.Raw().Where(t => t.Name != "certificates.yaml").SelectMany(t => SecretNames(t.Text)).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(3, certificates.Count);
        Assert.All(certificates, name => Assert.Contains(name, mounted));
        Assert.Empty(problems);
    }

    [Fact]
    public void PortsProbesAndServices_MeetTheListeners()
    {
        var problems = new List<string>();
        foreach (var (pod, container, executable) in MainContainers())
        {
            var listeners = Settings(pod, container, executable, problems)!.Listeners();
            var ports = container.Seq("ports").ToDictionary(p => p.Text("name")!, p => int.Parse(p.Text("containerPort")!, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
            foreach (var (name, port) in ports)
            {
                if (!listeners.Any(l => l.Port == port && l.What == name && l.Address != "127.0.0.1"))
                {
                    problems.Add($"{executable.Name}: port {name} {port} is not a listener on a pod address ({string.Join(", ", listeners)})");
                }
            }

            foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" }.Select(p => container.Get(p)).OfType<YamlNode>())
            {
                var http = probe.Get("httpGet");
                var port = (http ?? probe.Get("tcpSocket")).Text("port")!;
                if (!ports.ContainsKey(port))
                {
                    problems.Add($"{executable.Name}: a probe names port '{port}', which the container does not have");
                }

                if (http is not null && (http.Text("path") is not ("/healthz" or "/readyz") || port != "metrics"))
                {
                    problems.Add($"{executable.Name}: probe GET {http.Text("path")} on {port}: health is /healthz and /readyz on the metrics port");
                }
            }

            Assert.NotNull(container.Get("readinessProbe"));
            Assert.NotNull(container.Get("livenessProbe"));
            Assert.NotNull(container.Get("resources"));
        }

        foreach (var service in _resources.Where(r => r.Text("kind") == "Service"))
        {
            var selected = PodSpecs(app: service.Get("spec").Get("selector").Get("app.kubernetes.io/name").Text()).ToList();
            Assert.NotEmpty(selected);
            var names = selected.SelectMany(p => p.Seq("containers")).SelectMany(c => c.Seq("ports")).Select(p => p.Text("name")).ToHashSet();
            Assert.All(service.Seq("spec/ports"), p => Assert.Contains(p.Text("targetPort"), names));
        }

        foreach (var component in new[] { "keyserver", "edgeAgent", "controlPlane", "edgeHost" })
        {
            Assert.NotNull(_values.Text($"{component}/resources/requests/cpu"));
            Assert.NotNull(_values.Text($"{component}/resources/requests/memory"));
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void TheEdgeAgent_PutsItsSocketsOnTheNode_ThroughAHostPath()
    {
        var problems = new List<string>();
        var (pod, container, executable) = MainContainers().Single(m => m.Executable == Executable.EdgeAgent);
        var endpoint = Settings(pod, container, executable, problems)!.Section<EndpointOptions>(EndpointOptions.SectionName);
        foreach (var socket in new[] { endpoint.KeylessUnixSocket, endpoint.GrpcUnixSocket })
        {
            var mount = container.Seq("volumeMounts").Single(m => m.Text("mountPath") == Path.GetDirectoryName(socket));
            Assert.NotNull(Volume(pod, mount.Text("name")!)!.Get("hostPath"));
        }

        Assert.Equal("DaemonSet", _resources.Single(r => r.Seq("spec/template/spec/containers").Any(c => c.Text("name") == "edge-agent")).Text("kind"));
        Assert.Empty(problems);
    }

    [Fact]
    public void TheEdgeHost_RunsInTheAgentsPod_OnItsSocket_OnTheNodesPort443_WithCertificatesOnly()
    {
        var problems = new List<string>();
        var (pod, host, executable) = MainContainers().Single(m => m.Executable == Executable.EdgeHost);
        var agent = MainContainers().Single(m => m.Executable == Executable.EdgeAgent);
        Assert.Same(agent.Pod, pod);
        var settings = Settings(pod, host, executable, problems)!;
        var engine = settings.Section<KeylessGeo.EdgeHost.Configuration.EngineOptions>(KeylessGeo.EdgeHost.Configuration.EngineOptions.SectionName);
        var agentSocket = Settings(agent.Pod, agent.Container, agent.Executable, problems)!.Section<EndpointOptions>(EndpointOptions.SectionName).KeylessUnixSocket;

        // The engine's socket is the agent's, in the same volume.
        Assert.Equal(agentSocket, engine.Commands["SOCKET_PATH"]);
        var folder = Path.GetDirectoryName(agentSocket);
        Assert.Equal(
            agent.Container.Seq("volumeMounts").Single(m => m.Text("mountPath") == folder).Text("name"),
            host.Seq("volumeMounts").Single(m => m.Text("mountPath") == folder).Text("name"));
        Assert.True(ImageFile(host, engine.Path), $"{engine.Path} is not in the edge host's image");

        // TLS on the node's port 443; probes on the metrics port (2409, /healthz and /readyz).
        var tls = host.Seq("ports").Single(p => p.Text("name") == "tls");
        Assert.Equal("8443", tls.Text("containerPort"));
        Assert.Equal("443", _values.Text("edgeHost/hostPort"));
        Assert.Contains("hostPort: {{ $.Values.edgeHost.hostPort }}", ChartTemplates.Raw().Single(t => t.Name == "edge-agent.yaml").Text, StringComparison.Ordinal);
        Assert.Equal("2409", host.Seq("ports").Single(p => p.Text("name") == "metrics").Text("containerPort"));

        // Certificates from their Secret, and nothing that holds a private key.
        var certificates = settings.Section<List<KeylessGeo.EdgeHost.Configuration.CertificateOptions>>(KeylessGeo.EdgeHost.Configuration.CertificateOptions.SectionName);
        Assert.NotEmpty(certificates);
        Assert.All(certificates, c => Assert.Empty(c.LocalKeyPath));
        var secrets = host.Seq("volumeMounts").Select(m => Volume(pod, m.Text("name")!)?.Get("secret")).OfType<YamlNode>().ToList();
        var secret = Assert.Single(secrets);
        Assert.Equal("{{ $.Values.secrets.edgeHostCertificates }}", ChartTemplates.Raw().Single(t => t.Name == "edge-agent.yaml").Text.Split('\n')
            .Select(l => l.Trim()).Where(l => l.StartsWith("secretName:", StringComparison.Ordinal)).Select(l => l["secretName:".Length..].Trim()).Single(l => l.Contains("edgeHost", StringComparison.Ordinal)));
        // One item per certificate the edge host is told to serve, and only those.
        Assert.Contains("- { key: {{ .file }}, path: {{ .file }} }", ChartTemplates.Raw().Single(t => t.Name == "edge-agent.yaml").Text, StringComparison.Ordinal);
        Assert.All(secret.Seq("items"), i => Assert.Equal(ChartTemplates.Placeholder, i.Text("key")));
        var listed = _values.Get("edgeHost").Seq("certificates").ToList();
        Assert.NotEmpty(listed);
        Assert.All(listed, c => Assert.EndsWith(".crt", c.Text("file")!, StringComparison.Ordinal));
        Assert.All(listed, c => Assert.NotEmpty(c.Seq("hosts")));
        var deployment = RepositoryFiles.Read("docs/DEPLOYMENT.md");
        Assert.All(listed, c => Assert.Contains($"`{c.Text("file")}`", deployment, StringComparison.Ordinal));
        Assert.All(certificates, c => Assert.StartsWith("/etc/keylessgeo/certs/", c.CertificatePath, StringComparison.Ordinal));
        Assert.Empty(problems);
    }

    /// <summary>
    /// Whether <paramref name="path"/> is a file the container's image has: a <c>COPY</c> target of
    /// the Dockerfile that builds the image values.yaml names for it (docker-compose.yml says which).
    /// </summary>
    private bool ImageFile(YamlNode container, string path)
    {
        var name = container.Text("name")!;
        var key = ImageValues.GetValueOrDefault(name);
        var image = key is null ? null : _values.Text("images/" + key);
        var template = ChartTemplates.Raw().Select(t => t.Text).FirstOrDefault(t => t.Contains($"- name: {name}\n", StringComparison.Ordinal));
        return image is not null && template is not null && template.Contains($"image: {{{{ $.Values.images.{key} | quote }}}}", StringComparison.Ordinal)
            && ComposeFile.Load().DockerfileOf(image) is { } dockerfile && Dockerfiles.CopyTargets(dockerfile).Contains(path);
    }

    private YamlMappingNode Single(string kind, string namePrefix) =>
        _resources.Single(r => r.Text("kind") == kind && r.Text("metadata/name")!.StartsWith(namePrefix, StringComparison.Ordinal));

    private IEnumerable<YamlNode> PodSpecs(string? app = null) =>
        _resources.Where(r => r.Text("kind") is "Deployment" or "DaemonSet")
            .Where(r => app is null || r.Get("spec").Get("template").Get("metadata").Get("labels").Get("app.kubernetes.io/name").Text() == app)
            .Select(r => r.Get("spec")!.Get("template")!.Get("spec")!);

    private IEnumerable<(YamlNode Pod, YamlNode Container, Executable Executable)> MainContainers() =>
        PodSpecs().SelectMany(pod => pod.Seq("containers").Select(c => (pod, c, Containers[c.Text("name")!])));

    private static YamlNode? Volume(YamlNode pod, string name) => pod.Seq("volumes").FirstOrDefault(v => v.Text("name") == name);

    /// <summary>An init container of <paramref name="pod"/> writes <paramref name="path"/> into the volume with <c>install -m 0600</c> from a Secret item.</summary>
    private static bool CopiedPrivately(YamlNode pod, string volume, string path) =>
        pod.Seq("initContainers").Any(init =>
            init.Seq("volumeMounts").Any(m => m.Text("name") == volume && path.StartsWith(m.Text("mountPath") + "/", StringComparison.Ordinal))
            && init.Get("command").Words() is [.., "install", "-m", "0600", var source, var target] && target == path
            && init.Seq("volumeMounts").Any(m => source.StartsWith(m.Text("mountPath") + "/", StringComparison.Ordinal)
                && Volume(pod, m.Text("name")!)?.Get("secret")?.Seq("items").Any(i => i.Text("path") == Path.GetFileName(source)) == true));

    private static DeployedSettings? Settings(YamlNode pod, YamlNode container, Executable executable, List<string> problems)
    {
        var args = container.Get("args").Words();
        if (args is not ["--config", var path] || Path.GetDirectoryName(path) is not { } folder)
        {
            problems.Add($"{executable.Name}: args are not --config FILE");
            return null;
        }

        var mount = container.Seq("volumeMounts").SingleOrDefault(m => m.Text("mountPath") == folder);
        var configMap = mount is null ? null : Volume(pod, mount.Text("name")!)?.Get("configMap");
        if (configMap?.Text("name") != "keylessgeo-config" || !configMap.Seq("items").Any(i => i.Text("key") == Path.GetFileName(path) && i.Text("path") == Path.GetFileName(path)))
        {
            problems.Add($"{executable.Name}: --config {path} is not an item of the ConfigMap keylessgeo-config mounted at {folder}");
            return null;
        }

        var file = RepositoryFiles.PathOf($"{ChartTemplates.Chart}/config/{Path.GetFileName(path)}");
        var environment = container.Seq("env").ToDictionary(e => e.Text("name")!, e => e.Text("value") ?? "from-a-secret", StringComparer.Ordinal);
        foreach (var name in environment.Keys.Where(n => n.StartsWith("KEYLESSGEO", StringComparison.Ordinal) && !n.StartsWith(executable.EnvironmentPrefix, StringComparison.Ordinal)))
        {
            problems.Add($"{executable.Name}: {name} does not have its prefix {executable.EnvironmentPrefix}");
        }

        return DeployedSettings.Bind(executable, file, environment, problems);
    }

    private static IEnumerable<string> SecretNames(string template) =>
        SecretName().Matches(template).Select(m => m.Groups["expression"].Value.Replace("$.Values", ".Values", StringComparison.Ordinal).Trim());

    [GeneratedRegex(@"secretName: (?<expression>.+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}

using System.Diagnostics.Metrics;
using System.Globalization;
using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Hosting;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Policies;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Topology;
using KeylessGeo.Telemetry.Endpoint;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The real control plane (<see cref="ControlPlaneApplication.Create"/>) on the embedded store in a
/// temporary directory (or on a given store), on a Unix socket where the test process's uid holds
/// <c>admin</c>, with its service layer, its meter and every log message at hand. Changes go through
/// the service layer, reads of <c>/readyz</c> and <c>/healthz</c> through HTTP.
/// </summary>
public sealed class ReadinessHost : IAsyncDisposable
{
    public const string Actor = "alice@test";

    private static readonly TimeSpan WaitBound = TimeSpan.FromSeconds(15);

    private readonly WebApplication _app;

    private ReadinessHost(WebApplication app, TempDirectory directory, string dataDirectory, string socket, RecordingLoggerProvider logs)
    {
        _app = app;
        Directory = directory;
        DataDirectory = dataDirectory;
        Logs = logs;
        Client = UnixSocketHttp.Create(socket);
    }

    public TempDirectory Directory { get; }

    /// <summary>The embedded store's directory (inside <see cref="Directory"/> unless the settings name another).</summary>
    public string DataDirectory { get; }

    public string StatePath => Path.Combine(DataDirectory, "state.json");

    public string AuditPath => Path.Combine(DataDirectory, "audit.log");

    public HttpClient Client { get; }

    public RecordingLoggerProvider Logs { get; }

    public ControlPlaneServices Services => _app.Services.GetRequiredService<ControlPlaneServices>();

    public IMeterFactory Meters => _app.Services.GetRequiredService<IMeterFactory>();

    /// <summary>The metrics and health endpoint (plain HTTP on 127.0.0.1, a free port).</summary>
    public Uri TelemetryAddress => _app.Services.GetRequiredService<TelemetryEndpointState>().BaseAddress
        ?? throw new InvalidOperationException("the telemetry endpoint is not listening");

    /// <summary>
    /// Starts on the embedded store (or <paramref name="store"/>), with <paramref name="settings"/> on
    /// top of the defaults; a test that restarts on the same files names its own data directory and
    /// wrapping key there.
    /// </summary>
    public static async Task<ReadinessHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, IControlPlaneStore? store = null)
    {
        var directory = new TempDirectory();
        var configuration = new Dictionary<string, string?>
        {
            ["ControlPlane:Store:Kind"] = "embedded",
            ["ControlPlane:Store:DataDirectory"] = directory.File("data"),
            ["ControlPlane:WrappingKeyPath"] = directory.File("cp.key"),
            ["ControlPlane:Listen:Port"] = "-1",
            ["Telemetry:Prometheus:Port"] = "0",
            ["ControlPlane:Listen:UnixSocket:Path"] = directory.File("cp.sock"),
            ["ControlPlane:Access:Grants:0:Uid"] = UnixAccounts.CurrentUserId().ToString(CultureInfo.InvariantCulture),
            ["ControlPlane:Access:Grants:0:Roles:0"] = "admin",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var logs = new RecordingLoggerProvider();
        var app = ControlPlaneApplication.Create([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(configuration);
            if (store is not null)
            {
                builder.Services.AddSingleton(store);
            }

            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Information);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            directory.Dispose();
            throw;
        }

        return new ReadinessHost(app, directory, configuration["ControlPlane:Store:DataDirectory"] ?? "", configuration["ControlPlane:Listen:UnixSocket:Path"]!, logs);
    }

    /// <summary>Sets the test topology and creates policies <paramref name="ids"/> (each <c>region: EU</c>): one commit each.</summary>
    public async Task SeedAsync(params string[] ids)
    {
        await Services.Topology.ReplaceAsync(Actor, TopologyReplacement.FromJson(TestTopology.Json), CancellationToken.None);
        foreach (var id in ids)
        {
            await CreatePolicyAsync(id);
        }
    }

    public Task<PolicyChange> CreatePolicyAsync(string id) =>
        Services.Policies.CreateAsync(Actor, new PolicyRequest { Id = id, Policy = PolicyInput.FromText("region: EU"), Comment = "test" }, CancellationToken.None);

    /// <summary>Waits, bounded, until a log message contains <paramref name="text"/>; returns it.</summary>
    public async Task<string> WaitForLogAsync(string text)
    {
        using var bound = new CancellationTokenSource(WaitBound);
        while (true)
        {
            if (Logs.Messages.FirstOrDefault(m => m.Contains(text, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), bound.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"no log message containing '{text}' within {WaitBound}; got:\n{string.Join("\n", Logs.Messages)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        Directory.Dispose();
    }
}

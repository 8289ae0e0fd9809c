using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Api;
using KeylessGeo.ControlPlane.Health;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.Placement;
using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>
/// Builds the control-plane process: configuration (one JSON file named by <c>--config</c>, then
/// <c>KEYLESSGEO_</c> environment variables, then command-line flags, later ones winning), every
/// setting validated before anything starts (all errors at once), the control plane's wrapping key
/// loaded or created, the store opened, and the HTTP API on Kestrel.
/// </summary>
public static class ControlPlaneApplication
{
    /// <summary>The prefix of environment variables read as configuration (<c>KEYLESSGEO_ControlPlane__WrappingKeyPath</c>).</summary>
    public const string EnvironmentPrefix = "KEYLESSGEO_";

    /// <summary>
    /// Creates the application. <paramref name="configure"/> runs before validation, so tests and
    /// embedders can add configuration sources or services (an <see cref="IControlPlaneStore"/>
    /// registered there is used instead of the configured one).
    /// </summary>
    /// <exception cref="OptionsValidationException">The configuration has errors; all are listed.</exception>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = "KeylessGeo.ControlPlane" });
        if (ConfigFileArgument(args) is { } configFile)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine(args);
        configure?.Invoke(builder);

        var options = builder.Configuration.GetSection(ControlPlaneOptions.SectionName).Get<ControlPlaneOptions>() ?? new ControlPlaneOptions();
        var validation = new ControlPlaneOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(ControlPlaneOptions.SectionName, typeof(ControlPlaneOptions), [.. validation.Failures]);
        }

        var tls = LoadTls(options.Listen);
        var keyring = LoadKeyring(options.WrappingKeyPath, out var created);
        var unixSocket = BindUnixSocket(options.Listen.UnixSocket);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(keyring);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IControlPlaneStore>(services => ControlPlaneStoreFactory.Create(
            options.Store, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>().CreateLogger("KeylessGeo.ControlPlane.Store")));
        builder.Services.AddHostedService<StoreWarmup>();
        builder.Services.AddSingleton(services => ControlPlaneServices.Create(
            services.GetRequiredService<IControlPlaneStore>(),
            keyring,
            new ControlPlaneServiceOptions { MinimumPermittedDatacenters = options.MinimumPermittedDatacenters, Limits = options.Limits },
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHostedService<PendingCopyService>();
        builder.Services.AddControlPlaneReadiness(options.Store.IntegrityCheckInterval);
        builder.Services.Configure<JsonOptions>(json => ApiJson.Configure(json.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddControlPlaneAccess(options.Access);
        UnixSocketHosting.Add(builder, unixSocket);
        builder.WebHost.ConfigureKestrel(kestrel => ControlPlaneListeners.Configure(kestrel, options.Listen, tls, unixSocket));

        var app = builder.Build();
        ControlPlaneLog.WrappingKeyLoaded(app.Logger, keyring.Fingerprint, created ? "created" : "loaded", options.WrappingKeyPath);
        ControlPlaneListeners.LogEndpoints(app, options);
        app.MapControlPlaneApi();
        return app;
    }

    private static ControlPlaneKeyring LoadKeyring(string path, out bool created)
    {
        try
        {
            return ControlPlaneKeyring.LoadOrCreate(path, out created);
        }
        catch (Exception ex) when (ex is WrappingKeyFileException or IOException or UnauthorizedAccessException)
        {
            throw new OptionsValidationException(ControlPlaneOptions.SectionName, typeof(ControlPlaneOptions),
                [$"{ControlPlaneOptions.SectionName}:WrappingKeyPath: {ex.Message}"]);
        }
    }

    private static MutualTlsOptions? LoadTls(ControlPlaneListenOptions listen)
    {
        if (!listen.TlsEnabled)
        {
            return null;
        }

        try
        {
            return new MutualTlsOptions
            {
                ServerCertificate = MutualTls.LoadPem(listen.CertificatePath, listen.KeyPath),
                TrustedClientCa = MutualTls.LoadPemBundle(listen.ClientCaPath),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            // Certificates are loaded here, before start, so a bad file is a configuration error.
            throw new OptionsValidationException(ControlPlaneOptions.SectionName, typeof(ControlPlaneListenOptions), [ex.Message]);
        }
    }

    private static UnixSocketListener? BindUnixSocket(UnixSocketOptions socket)
    {
        if (!socket.Enabled)
        {
            return null;
        }

        try
        {
            var group = string.IsNullOrWhiteSpace(socket.Group) ? null : UnixAccounts.GroupId(socket.Group);
            return UnixSocketListener.Bind(socket, socket.ParsedMode!.Value, group);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            throw new OptionsValidationException(ControlPlaneOptions.SectionName, typeof(UnixSocketOptions),
                [$"{ControlPlaneOptions.SectionName}:Listen:UnixSocket:Path: {ex.Message}"]);
        }
    }

    private static string? ConfigFileArgument(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config")
            {
                return i + 1 < args.Length ? args[i + 1] : throw new OptionsValidationException("--config", typeof(string), ["--config needs a file path."]);
            }

            if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                return args[i]["--config=".Length..];
            }
        }

        return null;
    }
}

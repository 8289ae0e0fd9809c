using System.Net;
using KeylessGeo.ControlPlane.Api;
using KeylessGeo.ControlPlane.Health;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.Placement;
using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
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
        builder.WebHost.ConfigureKestrel(kestrel => Listen(kestrel, options.Listen, tls));

        var app = builder.Build();
        ControlPlaneLog.WrappingKeyLoaded(app.Logger, keyring.Fingerprint, created ? "created" : "loaded", options.WrappingKeyPath);
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

    private static void Listen(KestrelServerOptions kestrel, ControlPlaneListenOptions listen, MutualTlsOptions? tls)
    {
        kestrel.Limits.MaxRequestBodySize = KeyRequestReader.MaxBodyBytes;
        if (tls is not null)
        {
            kestrel.Listen(IPAddress.Parse(listen.Address), listen.Port, endpoint =>
            {
                endpoint.Protocols = HttpProtocols.Http1AndHttp2;
                endpoint.UseHttps(https => https.UseMutualTls(tls));
            });
        }

        if (listen.PlaintextPort is { } port)
        {
            // Plaintext only on loopback: whoever can reach it is already on the host.
            kestrel.Listen(IPAddress.Loopback, port, endpoint => endpoint.Protocols = HttpProtocols.Http1);
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

using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Hosting;
using KeylessGeo.KeyServer.Keyless;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Rpc.Hosting;
using KeylessGeo.Rpc.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Runs the demo: material, a keyserver on 127.0.0.1 with mutual TLS, one signature per demo
/// key over gRPC, each verified without the keyserver.
/// </summary>
public static class DemoRunner
{
    /// <summary>Runs the demo; returns 0 when every signature verified.</summary>
    public static async Task<int> RunAsync(DemoSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        var root = settings.KeepDirectory ?? Directory.CreateTempSubdirectory("keylessgeo-demo-").FullName;
        try
        {
            var material = DemoMaterial.Create(root);
            await output.WriteLineAsync($"demo CA, certificates and keys written to {root}");
            if (settings.MaterialOnly)
            {
                return 0;
            }

            await using var app = KeyServerApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(Configuration(material)));
            await app.StartAsync(cancellationToken);
            var keyless = app.Services.GetRequiredService<KeylessListenerState>().EndPoint;
            var port = app.Services.GetRequiredService<IServer>().GetBoundAddresses().First(address => address.Port != keyless?.Port).Port;
            await output.WriteLineAsync($"keyserver ks-demo-1 (datacenter demo1) listening on https://127.0.0.1:{port} (gRPC) and {keyless} (Keyless protocol), mutual TLS required");

            using var channel = new RpcChannel(new RpcChannelOptions
            {
                Address = new Uri($"https://localhost:{port}"),
                ClientCertificate = MutualTls.LoadPem(material.Tls("client.crt"), material.Tls("client.key")),
                TrustedCa = MutualTls.LoadPemBundle(material.Tls("ca.crt")),
            });
            var failures = 0;
            foreach (var check in DemoSignatureCheck.All)
            {
                failures += await SignAndVerifyAsync(channel, check, material, output, cancellationToken) ? 0 : 1;
            }

            if (settings.Serve)
            {
                await output.WriteLineAsync("serving; press Ctrl+C to stop");
                await app.WaitForShutdownAsync(cancellationToken);
            }

            await app.StopAsync(CancellationToken.None);
            await output.WriteLineAsync(failures == 0 ? "all demo signatures verified" : $"{failures} demo signature(s) failed");
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            if (settings.KeepDirectory is null)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task<bool> SignAndVerifyAsync(RpcChannel channel, DemoSignatureCheck check, DemoMaterial material, TextWriter output, CancellationToken cancellationToken)
    {
        var request = new SignRequest
        {
            Id = 1,
            Key = new KeyRef { KeyId = check.KeyId },
            Operation = check.Operation,
            Payload = Google.Protobuf.ByteString.CopyFrom(check.Payload),
        };
        var response = await channel.UnaryAsync(KeyServerMethods.Sign, request, new RpcCallOptions
        {
            Deadline = DateTimeOffset.UtcNow.AddSeconds(10),
            CancellationToken = cancellationToken,
        });
        if (response.OutcomeCase != SignResponse.OutcomeOneofCase.Result)
        {
            await output.WriteLineAsync($"{check.KeyId,-16} {check.Operation,-16} error {response.Error.Code}: {response.Error.Message}");
            return false;
        }

        var signature = response.Result.ToByteArray();
        var inProcess = check.VerifyInProcess(material.KeysDirectory, signature);
        bool? openssl = OpenSslVerifier.IsAvailable
            ? await OpenSslVerifier.VerifyAsync(check, material.KeysDirectory, signature, cancellationToken)
            : null;
        var verified = inProcess != false && openssl != false && (inProcess ?? openssl) == true;
        await output.WriteLineAsync(
            $"{check.KeyId,-16} {check.Operation,-16} served by {response.ServedBy.KeyserverId}/{response.ServedBy.Datacenter}  " +
            $"{signature.Length,3}-byte signature {Convert.ToHexStringLower(signature)[..32]}…  " +
            $".NET: {Describe(inProcess)}, openssl: {Describe(openssl)} => {(verified ? "VERIFIED" : "NOT VERIFIED")}");
        return verified;
    }

    private static string Describe(bool? verified) => verified switch
    {
        true => "ok",
        false => "FAILED",
        null => "n/a",
    };

    private static Dictionary<string, string?> Configuration(DemoMaterial material) => new()
    {
        ["KeyServer:Id"] = "ks-demo-1",
        ["KeyServer:Datacenter"] = "demo1",
        ["KeyServer:KeysDirectory"] = material.KeysDirectory,
        ["KeyServer:Admission:CalibrationDuration"] = "00:00:00",
        ["Listen:Address"] = "127.0.0.1",
        ["Listen:Port"] = "0",
        ["Listen:CertificatePath"] = material.Tls("server.crt"),
        ["Listen:KeyPath"] = material.Tls("server.key"),
        ["Listen:ClientCaPath"] = material.Tls("ca.crt"),
        ["Keyless:Port"] = "0",
        ["Logging:LogLevel:Default"] = "Error",
    };
}

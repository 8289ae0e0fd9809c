using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KeylessGeo.ControlPlane.Access;
using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Tests.Access;

/// <summary>
/// The Unix socket: its file permissions decide who may connect, the peer's uid (SO_PEERCRED)
/// decides what they may do. Another user is <c>nobody</c>, reached through setpriv and curl.
/// </summary>
public sealed class UnixSocketAccessTests : IAsyncLifetime
{
    private ApiHost _host = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        Assert.Equal("nobody", UnixAccounts.UserName(AsUser.NobodyUid));
        _host = await ApiHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["ControlPlane:Listen:UnixSocket:Mode"] = "0660",
            ["ControlPlane:Listen:UnixSocket:Group"] = "nogroup",
            ["ControlPlane:Access:RefusalAuditInterval"] = "00:00:00.100",
        });

        // The temporary directory is owner-only; other users must be able to reach the socket in it.
        File.SetUnixFileMode(_host.Directory.Path, (UnixFileMode)0b111_101_101);
        _admin = _host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await _admin.PutAsync("/v1/topology", new StringContent(TestTopology.Json, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostAsJsonAsync("/v1/policies", new { id = "eu-only", text = "region: EU" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostAsJsonAsync("/v1/keys", new { keyId = "shop", policy = "eu-only", privateKey = TestKeys.EcP256Pkcs8() })).StatusCode);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task TheSocketFile_HasTheConfiguredModeAndGroup()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(_host.SocketPath));
        var owner = (await ExternalProcess.RunAsync("stat", ["-c", "%U:%G", _host.SocketPath])).EnsureSuccess("stat");
        Assert.Equal($"{Environment.UserName}:nogroup", owner.StandardOutput.Trim());
    }

    [Fact]
    public async Task AnotherUser_CanChangeNothing_AndEveryRefusalIsAuditedWithItsUid()
    {
        using var ec = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var before = await _admin.GetStringAsync("/v1/policies/eu-only");
        (string Method, string Path, string? Body)[] writes =
        [
            ("PUT", "/v1/policies/eu-only", "{\"text\":\"all\"}"),
            ("PUT", "/v1/topology", TestTopology.Json),
            ("PUT", "/v1/datacenters/fra1/wrapping-key", JsonSerializer.Serialize(new { publicKey = ec.ExportSubjectPublicKeyInfoPem() })),
            ("POST", "/v1/policies", "{\"id\":\"global\",\"text\":\"all\"}"),
            ("DELETE", "/v1/policies/eu-only", null),
            ("POST", "/v1/policies/eu-only/rotate-key", null),
            ("POST", "/v1/keys", JsonSerializer.Serialize(new { keyId = "evil", policy = "eu-only", privateKey = TestKeys.EcP256Pkcs8() })),
            ("DELETE", "/v1/keys/shop", null),
            ("POST", "/v1/keys/shop/rotate", JsonSerializer.Serialize(new { privateKey = TestKeys.EcP256Pkcs8() })),
            ("PUT", "/v1/keys/shop/policy", "{\"policy\":\"eu-only\"}"),
            ("GET", "/v1/policies", null),
        ];

        foreach (var (method, path, body) in writes)
        {
            var (exit, status, answer) = await AsUser.CurlAsNobodyAsync(_host.SocketPath, method, path, body);
            Assert.True(exit == 0, $"curl {method} {path} exited {exit}: {answer}");
            Assert.True(status == 403, $"{method} {path} answered {status}: {answer}");
            var problem = JsonDocument.Parse(answer).RootElement;
            Assert.Equal("forbidden", problem.GetProperty("code").GetString());
            Assert.Contains("uid:65534(nobody) is not granted any role", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var (rows, omitted, _) = await RefusalEntries.WaitForAsync(_host.Store, writes.Length);
        Assert.Equal(0, omitted);
        foreach (var (method, path, _) in writes)
        {
            var row = Assert.Single(rows, r => r.Method == method && r.Path == path);
            Assert.Equal(("uid:65534(nobody)", RefusalReasons.UnknownIdentity, 403, 1L, RefusalAuditor.Actor), (row.Identity, row.Reason, row.Status, row.Count, row.Actor));
        }

        Assert.Equal(before, await _admin.GetStringAsync("/v1/policies/eu-only"));
        Assert.Equal("shop", Assert.Single(JsonDocument.Parse(await _admin.GetStringAsync("/v1/keys")).RootElement.EnumerateArray()).GetProperty("keyId").GetString());
        Assert.True(JsonDocument.Parse(await _admin.GetStringAsync("/v1/audit/verify")).RootElement.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task AReadGrantByUserName_AllowsReading_ButNotChangingAPolicy()
    {
        await using var host = await ApiHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["ControlPlane:Listen:UnixSocket:Mode"] = "0660",
            ["ControlPlane:Listen:UnixSocket:Group"] = "nogroup",
            ["ControlPlane:Access:Grants:1:User"] = "nobody",
            ["ControlPlane:Access:Grants:1:Roles:0"] = "read",
        });
        File.SetUnixFileMode(host.Directory.Path, (UnixFileMode)0b111_101_101);
        using var admin = host.CreateClient();
        await admin.PutAsync("/v1/topology", new StringContent(TestTopology.Json, Encoding.UTF8, "application/json"));
        await admin.PostAsJsonAsync("/v1/policies", new { id = "eu-only", text = "region: EU" });

        var read = await AsUser.CurlAsNobodyAsync(host.SocketPath, "GET", "/v1/policies/eu-only");
        var write = await AsUser.CurlAsNobodyAsync(host.SocketPath, "PUT", "/v1/policies/eu-only", "{\"text\":\"all\"}");

        Assert.Equal(200, read.Status);
        Assert.Equal(403, write.Status);
        Assert.Contains("uid:65534(nobody) holds read; PUT /v1/policies/eu-only needs change-policy", write.Body, StringComparison.Ordinal);
        Assert.Equal("region: EU", JsonDocument.Parse(await admin.GetStringAsync("/v1/policies/eu-only")).RootElement.GetProperty("text").GetString());
        var (rows, _, _) = await RefusalEntries.WaitForAsync(host.Store, 1);
        Assert.Equal(RefusalReasons.MissingRole, Assert.Single(rows).Reason);
    }

    [Fact]
    public async Task WithTheDefaultMode0600_AnotherUserCannotEvenConnect()
    {
        await using var host = await ApiHost.StartAsync();
        File.SetUnixFileMode(host.Directory.Path, (UnixFileMode)0b111_101_101);

        var (exit, status, _) = await AsUser.CurlAsNobodyAsync(host.SocketPath, "PUT", "/v1/policies/eu-only", "{\"text\":\"all\"}");
        var connect = await AsUser.ConnectAsNobodyAsync(host.SocketPath);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(host.SocketPath));
        Assert.Equal(7, exit); // curl: could not connect
        Assert.Equal(0, status);
        Assert.NotEqual(0, connect.ExitCode);
        Assert.Contains("Permission denied", connect.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, await host.Store.GetRevisionAsync(CancellationToken.None));
    }
}

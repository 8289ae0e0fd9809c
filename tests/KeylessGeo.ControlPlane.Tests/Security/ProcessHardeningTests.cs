using System.Diagnostics;
using System.Text.Json;
using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Tests.Security;

/// <summary>
/// The control plane makes itself non-dumpable: another process of the same user cannot open its
/// memory, while it can open the memory of an ordinary process of that user. Both run as
/// <c>nobody</c> (the kernel lets root read any process).
/// </summary>
public sealed class ProcessHardeningTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AnotherProcessOfTheSameUser_CannotReadTheControlPlanesMemory()
    {
        // nobody must reach the control plane's files: a directory of its own inside ours.
        File.SetUnixFileMode(_directory.Path, (UnixFileMode)0b111_101_101);
        var home = Directory.CreateDirectory(_directory.File("nobody")).FullName;
        var config = Path.Combine(home, "cp.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            ControlPlane = new
            {
                Store = new { Kind = "in-memory" },
                WrappingKeyPath = Path.Combine(home, "cp-wrapping.key"),
                Listen = new { Port = -1, UnixSocket = new { Path = Path.Combine(home, "cp.sock") } },
                Access = new { Grants = new[] { new { Uid = AsUser.NobodyUid, Roles = new[] { "admin" } } } },
            },
        }));
        (await ExternalProcess.RunAsync("chown", ["-R", $"{AsUser.NobodyUid}:{AsUser.NogroupGid}", home])).EnsureSuccess("chown");

        await using var controlPlane = await ControlPlaneProcess.StartAsync(config, home, AsUser.NobodyUid, AsUser.NogroupGid);
        // An ordinary process of the same user, past its exec (a process that just changed its
        // credentials is not dumpable until it executes a program): it says so, then waits.
        using var ordinary = Process.Start(ExternalProcess.CreateStartInfo("setpriv", [$"--reuid={AsUser.NobodyUid}", $"--regid={AsUser.NogroupGid}", "--clear-groups", "--", "sh", "-c", "echo ready; exec sleep 120"]))!;
        try
        {
            Assert.Equal("ready", await ordinary.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
            var ordinaryMemory = await OpenMemoryAsNobodyAsync(ordinary.Id);
            var controlPlaneMemory = await OpenMemoryAsNobodyAsync(controlPlane.Pid);

            Assert.True(ordinaryMemory.ExitCode == 0, "the host refuses even an ordinary process's memory to its own user, so this test proves nothing here: " + ordinaryMemory.StandardError);
            Assert.NotEqual(0, controlPlaneMemory.ExitCode);
            Assert.Contains("Permission denied", controlPlaneMemory.StandardError, StringComparison.Ordinal);
            Assert.Contains($"Uid:\t{AsUser.NobodyUid}", await File.ReadAllTextAsync($"/proc/{controlPlane.Pid}/status"), StringComparison.Ordinal);
            Assert.Contains("Dumpable: 0", controlPlane.Output, StringComparison.Ordinal);
        }
        finally
        {
            ordinary.Kill();
            await ordinary.WaitForExitAsync();
        }
    }

    private static Task<ProcessResult> OpenMemoryAsNobodyAsync(int pid) =>
        AsUser.RunAsync(AsUser.NobodyUid, AsUser.NogroupGid, "sh", "-c", $"exec 3< /proc/{pid}/mem");
}

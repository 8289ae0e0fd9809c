using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using KeylessGeo.Cli.Demo.Processes;

namespace KeylessGeo.Cli.Tests;

/// <summary>
/// The main job (<c>keylessgeo demo</c>) as the README runs it: its own process, which starts the
/// control plane, four keyservers, four edge agents and four edge hosts as processes of their own.
/// The test reads its output, interrupts it with SIGINT, and checks that nothing of it is left.
/// Whatever happens, every process it started is killed by PID at the end. The edge hosts need the
/// OpenSSL engine (scripts/build-engine.sh; scripts/test.sh builds it before the tests): without
/// it the test fails at once, saying so, rather than checking a demo without edge hosts.
/// </summary>
public sealed partial class MainJobProcessTests
{
    private static readonly TimeSpan UntilServing = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan UntilStopped = TimeSpan.FromSeconds(90);

    /// <summary>The datacenters each policy text permits in the demo topology.</summary>
    private static readonly Dictionary<string, string[]> Permitted = new(StringComparer.Ordinal)
    {
        ["region: EU"] = ["fra1", "ams1"],
        ["region: EU and not country: NL"] = ["fra1"],
        ["all"] = ["fra1", "ams1", "sfo1", "iad1"],
    };

    [Fact]
    public async Task MainJob_SignsEveryKeyThroughEveryAgentWherePermitted_AndLeavesNothingBehindAfterSigint()
    {
        // The demo finds the engine the same way from the CLI beside this test.
        Assert.True(KeylessGeo.Cli.Demo.DemoEngine.Find(out var missing) is not null,
            $"the main job's edge hosts need the OpenSSL engine: {missing}. Build it with scripts/build-engine.sh (scripts/test.sh does).");
        var temp = Directory.CreateTempSubdirectory("keylessgeo-mainjob-test-");
        var lines = new ConcurrentQueue<string>();
        var serving = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "keylessgeo.dll"));
        info.ArgumentList.Add("demo");
        // Everything temporary the job and its children create goes here, so the test can see it all removed.
        info.Environment["TMPDIR"] = temp.FullName;
        using var job = new Process { StartInfo = info };
        job.OutputDataReceived += (_, e) => OnLine(e.Data);
        job.ErrorDataReceived += (_, e) => OnLine(e.Data);
        MainJobOutput? output = null;
        try
        {
            job.Start();
            job.BeginOutputReadLine();
            job.BeginErrorReadLine();
            using (var guard = new CancellationTokenSource(UntilServing))
            {
                await Task.WhenAny(serving.Task, job.WaitForExitAsync(guard.Token)).WaitAsync(guard.Token);
            }

            output = new MainJobOutput([.. lines]);
            Assert.True(serving.Task.IsCompleted, "the main job did not reach 'press Ctrl+C':\n" + string.Join('\n', lines));
            Assert.Contains("demo complete: every step gave the expected outcome", output.Lines);
            Assert.DoesNotContain(output.Lines, line => line.Contains('\u001b', StringComparison.Ordinal));

            var pids = output.Pids;
            Assert.Equal(
                ["agent-ams1-1", "agent-fra1-1", "agent-iad1-1", "agent-sfo1-1", "control-plane", "edge-ams1-1", "edge-fra1-1", "edge-iad1-1", "edge-sfo1-1", "ks-ams1-1", "ks-fra1-1", "ks-iad1-1", "ks-sfo1-1"],
                pids.Keys.Order());
            Assert.All(pids.Values, pid => Assert.True(IsRunning(pid), $"pid {pid} is not running while the job serves"));

            // 3 keys × 4 entry datacenters, then the narrowed key × 4.
            var rows = output.Rows;
            Assert.Equal(16, rows.Count);
            Assert.All(rows, row =>
            {
                Assert.Contains(row.SignedIn, Permitted[row.Policy]);
                Assert.Matches(VerifiedAll(), row.Verified);
            });
            Assert.Equal(["cross-region", "in-region hop", "local"], rows.Select(r => r.Path).Distinct().Order());
            Assert.Contains(rows, r => r is { KeyId: "demo-ecdsa-p256", Entry: "ams1", SignedIn: "fra1", Path: "in-region hop" });
            Assert.Contains(rows, r => r is { KeyId: "demo-rsa2048", Entry: "sfo1", Path: "cross-region" });
            Assert.Contains(rows, r => r is { KeyId: "demo-rsa2048", Policy: "region: EU and not country: NL", Entry: "ams1", SignedIn: "fra1", Path: "in-region hop" });
            Assert.Contains(output.Lines, line => line.Contains("ams1's requests were signed by ks-fra1-1 (fra1); 0 of the next", StringComparison.Ordinal));
            Assert.Contains(output.Lines, line => line.StartsWith("audit log (recomputed here): audit chain intact", StringComparison.Ordinal));

            // TLS through the edge hosts: 2 certified keys × 4 entry datacenters × TLS 1.3 and 1.2,
            // every handshake validated against the demo CA, and each key operation counted at a
            // keyserver of a datacenter the key's policy permits.
            var handshakes = output.HandshakeRows;
            Assert.Equal(16, handshakes.Count);
            Assert.All(handshakes, row =>
            {
                Assert.Equal(row.KeyId == "demo-rsa2048" ? "rsa.demo.test" : "ecdsa.demo.test", row.ServerName);
                Assert.NotEmpty(row.SignedIn);
                Assert.All(row.SignedIn, signedIn => Assert.Contains(signedIn, Permitted[row.Policy]));
                Assert.Matches(VerifiedAll(), row.Verified);
            });
            Assert.Equal(["ams1", "fra1", "iad1", "sfo1"], handshakes.Select(r => r.Entry).Distinct().Order());
            Assert.Equal(8, handshakes.Count(r => r.Tls.StartsWith("TLS 1.3 TLS_AES_", StringComparison.Ordinal)));
            Assert.Equal(8, handshakes.Count(r => r.Tls.StartsWith("TLS 1.2 TLS_ECDHE_", StringComparison.Ordinal)));
            Assert.Contains(handshakes, r => r is { KeyId: "demo-ecdsa-p256", Entry: "ams1", Path: "in-region hop" } && r.SignedIn.SequenceEqual(["fra1"]));
            Assert.Contains(handshakes, r => r is { KeyId: "demo-rsa2048", Entry: "iad1", Path: "cross-region" });
            Assert.Contains(output.Lines, line => line.StartsWith("edge hosts: 16 rows, 64 timed TLS handshakes (TLS 1.3 32, TLS 1.2 32), 64 verified, 64 key operations counted at keyservers, 0 outside their policy", StringComparison.Ordinal));

            Assert.True(PosixSignals.Send(job.Id, PosixSignals.Interrupt));
            using (var stop = new CancellationTokenSource(UntilStopped))
            {
                await job.WaitForExitAsync(stop.Token);
            }

            Assert.Equal(0, job.ExitCode);
            Assert.All(pids, pair => Assert.False(IsRunning(pair.Value), $"{pair.Key} (pid {pair.Value}) is still running after SIGINT"));
            Assert.False(Directory.Exists(output.DataDirectory), $"{output.DataDirectory} was not removed");
            Assert.Empty(Directory.EnumerateFileSystemEntries(temp.FullName, "keylessgeo-*"));
            Assert.Empty(Directory.EnumerateFiles(temp.FullName, "*.key", SearchOption.AllDirectories).Concat(Directory.EnumerateFiles(temp.FullName, "*.pem", SearchOption.AllDirectories)));
        }
        finally
        {
            KillEverything(job, output ?? new MainJobOutput([.. lines]));
            temp.Delete(recursive: true);
        }

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lines.Enqueue(line);
            if (line == "press Ctrl+C to stop it")
            {
                serving.TrySetResult();
            }
        }
    }

    /// <summary>Whether <paramref name="pid"/> is a live (not zombie) process of the demo.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return state != 'Z' && commandLine.Contains("eylessGeo", StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    private static void KillEverything(Process job, MainJobOutput output)
    {
        IEnumerable<int> children;
        try
        {
            children = output.Pids.Values;
        }
        catch (InvalidOperationException)
        {
            // The job never printed its pids line: only started children print "started NAME (pid N)".
            children = output.Lines.Select(l => StartedLine().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var pid in children.Where(IsRunning))
        {
            using var child = Process.GetProcessById(pid);
            child.Kill();
            child.WaitForExit(TimeSpan.FromSeconds(10));
        }

        try
        {
            if (!job.HasExited)
            {
                job.Kill(entireProcessTree: true);
                job.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
    }

    [GeneratedRegex(@"^verified (?<n>[1-9][0-9]*)/\k<n>$")]
    private static partial Regex VerifiedAll();

    [GeneratedRegex(@"^started \S+ \(pid (?<pid>\d+)\)")]
    private static partial Regex StartedLine();
}

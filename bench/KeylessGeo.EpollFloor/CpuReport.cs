using System.Globalization;
using KeylessGeo.EpollFloor.Loop;
using KeylessGeo.EpollFloor.Native;
using KeylessGeo.Native;

namespace KeylessGeo.EpollFloor;

/// <summary>
/// The exit line: the whole process's getrusage CPU per answered operation and context switches, in
/// keyless-floor's exact format (scripts read <c>cpu_us_per_op=</c> from it). The process's CPU includes
/// the runtime's own threads (JIT, GC, signal handling), which a production listener pays too.
/// </summary>
internal static class CpuReport
{
    public static unsafe string Line(IReadOnlyList<EventLoop> loops)
    {
        long signed = 0, pongs = 0, errors = 0;
        foreach (var loop in loops)
        {
            signed += loop.Answerer.Signed;
            pongs += loop.Answerer.Pongs;
            errors += loop.Answerer.Errors;
        }
        ResourceUsage usage;
        LibC.GetResourceUsage(LibC.RusageSelf, &usage);
        var user = usage.UserSeconds + (usage.UserMicroseconds / 1e6);
        var system = usage.SystemSeconds + (usage.SystemMicroseconds / 1e6);
        var answered = signed + pongs + errors;
        var perOperation = answered > 0 ? (user + system) * 1e6 / answered : 0;
        var switches = answered > 0 ? (double)(usage.VoluntarySwitches + usage.InvoluntarySwitches) / answered : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"keyless-floor: answered={answered} signed={signed} pongs={pongs} errors={errors} user_s={user:F3} system_s={system:F3} " +
            $"cpu_us_per_op={perOperation:F2} voluntary_switches={usage.VoluntarySwitches} involuntary_switches={usage.InvoluntarySwitches} " +
            $"switches_per_op={switches:F3} loops={loops.Count} server=managed");
    }
}

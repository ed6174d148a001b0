using System.Globalization;
using System.Net;
using Gb28181Gateway.Media;
using Gb28181Gateway.Media.Relay;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Benchmarks.Media;

/// <summary>
/// <c>relay-serve</c>: Gb28181Gateway.Media as a process of its own, with the same command line and output as
/// tools/refrelay, so the load harness drives both the same way and reads each one's CPU time from /proc.
/// Session i: a UDP device leg (latching onto the first source) and one UDP platform leg to sink i % sinks
/// with SSRC 0x10000000 + i. <c>--udp-receive</c> and <c>--udp-batch</c> override the defaults. The summary line also gives the bytes allocated and the gen-0 collections from
/// "ready" to the end (the whole run: warm-up, measured phase and idle time), and the process's resident set at
/// the end and at its peak (VmRSS, VmHWM).
/// </summary>
internal static class RelayServe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new MediaOptions
        {
            ListenAddress = Arg(args, "--listen"),
            PortMin = int.Parse(Arg(args, "--port-min"), CultureInfo.InvariantCulture),
            PortMax = int.Parse(Arg(args, "--port-max"), CultureInfo.InvariantCulture),
            UdpReceive = Enum.Parse<UdpReceiveMode>(Array.IndexOf(args, "--udp-receive") >= 0 ? Arg(args, "--udp-receive") : "Thread", ignoreCase: true),
            UdpBatch = Array.IndexOf(args, "--udp-batch") >= 0 ? int.Parse(Arg(args, "--udp-batch"), CultureInfo.InvariantCulture) : new MediaOptions().UdpBatch,
        };
        var sessions = int.Parse(Arg(args, "--sessions"), CultureInfo.InvariantCulture);
        var sinks = Arg(args, "--sinks").Split(',').Select(IPEndPoint.Parse).ToArray();

        await using var relay = new RtpRelay(options, TimeProvider.System, NullLoggerFactory.Instance);
        for (var i = 0; i < sessions; i++)
        {
            var session = relay.CreateSession(MediaTransport.Udp);
            var leg = session.AddPlatform(MediaTransport.Udp, 0x10000000u + (uint)i);
            await leg.ConnectAsync(sinks[i % sinks.Length]);
            Console.WriteLine(FormattableString.Invariant($"session {i} {session.Device.LocalPort}"));
        }

        var allocatedAtReady = GC.GetTotalAllocatedBytes(precise: true);
        var collectionsAtReady = GC.CollectionCount(0);
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();   // until the harness closes stdin
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedAtReady;
        var collections = GC.CollectionCount(0) - collectionsAtReady;
        var stats = relay.Sessions.Select(s => s.GetStats()).ToArray();
        var batches = relay.Sessions.Select(s => ((UdpDeviceLeg)s.Device).BatchTotals).ToArray();
        var calls = batches.Sum(b => b.Calls);
        var perCall = calls > 0 ? (double)batches.Sum(b => b.Datagrams) / calls : 0;
        Console.WriteLine(FormattableString.Invariant(
            $"forwarded {stats.Sum(s => s.Platforms.Sum(p => p.PacketsSent))} dropped {stats.Sum(s => s.Dropped.Values.Sum())} allocated {allocated} bytes gen0 {collections} rss {Status("VmRSS:")} peak {Status("VmHWM:")} datagrams per recvmmsg {perCall:F2}"));
        return 0;
    }

    /// <summary>A line of /proc/self/status (e.g. "123456 kB"), or "?" where there is none.</summary>
    private static string Status(string key)
    {
        const string path = "/proc/self/status";
        var line = File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal)) : null;
        return line is null ? "?" : string.Join(' ', line[key.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }

    internal static string Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"missing {name}");
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;

namespace Gb28181Gateway.Benchmarks.Media;

/// <summary>
/// <c>relay-load</c>: N concurrent camera-like sessions through a relay process over loopback, for each relay
/// in <c>--relays</c> (in one run, so they share the machine's state): <c>dotnet</c> (Gb28181Gateway.Media as
/// configured by default, <c>relay-serve</c>), <c>dotnet-async</c> (UDP device legs in
/// <see cref="Gb28181Gateway.Media.UdpReceiveMode.Async"/>), <c>dotnet-async-inline</c> (the same with socket
/// continuations run inline on the epoll thread: DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1) and
/// <c>ref</c> (tools/refrelay, built here with gcc), <c>rtpengine</c> (the Debian rtpengine daemon in userspace mode,
/// <see cref="RtpEngineRelay"/>; <c>--rtpengine-threads</c>, default the CPU count); <c>direct</c> sends straight to the sinks (no relay: the
/// harness's own latency, so a relay's added latency is its figure minus this one). Reports forwarded packets/s, loss, latency
/// sender → relay → sink (p50/p99/max; the send time travels in the payload) and the relay process's CPU
/// seconds per million packets (utime + stime from /proc), and the ratios to the reference.
/// <code>dotnet run -c Release --project tests/Gb28181Gateway.Benchmarks -- relay-load --sessions 500 --pps 360 --seconds 30</code>
/// </summary>
internal static class RelayLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sessions = Int(args, "--sessions", 500);
        var pps = Int(args, "--pps", 360);
        var seconds = Int(args, "--seconds", 30);
        var size = Int(args, "--size", 1400);
        var warmup = Int(args, "--warmup", 3);
        var senders = Int(args, "--senders", 2);
        var sinks = Int(args, "--sinks", 8);
        var relays = (Value(args, "--relays") ?? "ref,dotnet,dotnet-async").Split(',');
        var portMin = Int(args, "--port-min", 40000);
        var rounds = Int(args, "--rounds", 1);
        var rtpengineThreads = Int(args, "--rtpengine-threads", Environment.ProcessorCount);

        Console.WriteLine(FormattableString.Invariant(
            $"relay-load: {sessions} sessions x {LoadTraffic.PacketsPerSecond(pps)} packets/s (25 frames/s) x {size} bytes ({sessions * (long)LoadTraffic.PacketsPerSecond(pps) * size * 8 / 1e6:F0} Mb/s), {seconds} s measured after {warmup} s warm-up, {rounds} round(s) of {string.Join(",", relays)}, {Environment.ProcessorCount} CPUs, {RuntimeInformationText()}"));
        var results = new List<Result>();
        for (var round = 1; round <= rounds; round++)
        {
            var roundResults = new List<Result>();
            foreach (var relay in relays)
            {
                roundResults.Add(await RunOneAsync(relay, sessions, pps, size, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds), senders, sinks, portMin, rtpengineThreads));
                Console.WriteLine(FormattableString.Invariant($"[{round}] {roundResults[^1]}"));
            }

            var reference = roundResults.FirstOrDefault(r => r.Relay == "ref");
            var direct = roundResults.FirstOrDefault(r => r.Relay == "direct");
            var rtpengine = roundResults.FirstOrDefault(r => r.Relay == "rtpengine");
            foreach (var r in roundResults.Where(r => r.Relay is not "ref" and not "direct"))
            {
                var vsRtpEngine = rtpengine is null || r == rtpengine ? "" : FormattableString.Invariant(
                    $", packets per CPU-second vs rtpengine x{rtpengine.CpuSecondsPerMillion / r.CpuSecondsPerMillion:F2}, p99 vs rtpengine x{r.P99 / rtpengine.P99:F2}");
                Console.WriteLine(FormattableString.Invariant(
                    $"[{round}] {r.Relay}: packets per CPU-second vs ref x{reference?.CpuSecondsPerMillion / r.CpuSecondsPerMillion:F2}, p99 vs ref x{r.P99 / reference?.P99:F2}{vsRtpEngine}, added latency over direct p50 {r.P50 - direct?.P50:F3} ms p99 {r.P99 - direct?.P99:F3} ms"));
            }

            if (reference is not null && direct is not null)
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"[{round}] ref: added latency over direct p50 {reference.P50 - direct.P50:F3} ms p99 {reference.P99 - direct.P99:F3} ms"));
            }

            results.AddRange(roundResults);
        }

        return results.All(r => r.Complete) ? 0 : 1;
    }

    private static async Task<Result> RunOneAsync(string relay, int sessions, int pps, int size, TimeSpan warmup, TimeSpan measured, int senders, int sinkCount, int portMin, int rtpengineThreads)
    {
        using var traffic = new LoadTraffic(sessions, pps, size, sinkCount);
        if (relay == "direct")
        {
            return await RunDirectAsync(traffic, sessions, warmup, measured, senders);
        }

        var sinkList = string.Join(",", traffic.SinkEndPoints.Select(e => e.ToString()));
        string[] relayArgs = ["--listen", "127.0.0.1", "--port-min", Str(portMin), "--port-max", Str(portMin + (2 * sessions) + 1000), "--sessions", Str(sessions), "--sinks", sinkList];
        var psi = relay switch
        {
            "ref" => new ProcessStartInfo(BuildReference()),
            "dotnet" or "dotnet-async" or "dotnet-async-inline" => SelfStartInfo("relay-serve"),
            "dotnet-single" => SelfStartInfo("relay-serve"),   // Media:UdpBatch=1: recvfrom/sendto per packet
            "rtpengine" => RtpEngineRelay.StartInfo(SelfStartInfo("relay-rtpengine"), rtpengineThreads),
            _ => throw new ArgumentException($"unknown relay '{relay}' (ref, dotnet, dotnet-single, dotnet-async, dotnet-async-inline, rtpengine, direct)"),
        };
        foreach (var a in relayArgs)
        {
            psi.ArgumentList.Add(a);
        }

        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.UseShellExecute = false;
        if (relay.StartsWith("dotnet-async", StringComparison.Ordinal))
        {
            psi.ArgumentList.Add("--udp-receive");
            psi.ArgumentList.Add("Async");
        }

        if (relay == "dotnet-single")
        {
            psi.ArgumentList.Add("--udp-batch");
            psi.ArgumentList.Add("1");
        }

        if (relay == "dotnet-async-inline")
        {
            psi.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1";
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {psi.FileName}");
        try
        {
            var ports = new IPEndPoint[sessions];
            var cpuPid = process.Id;
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync()) != "ready")
            {
                var parts = line?.Split(' ') ?? throw new InvalidOperationException($"{relay} exited before it was ready");
                if (parts[0] == "pid")
                {
                    cpuPid = int.Parse(parts[1], CultureInfo.InvariantCulture);   // a driver (relay-rtpengine): measure the relay it started
                    continue;
                }

                ports[int.Parse(parts[1], CultureInfo.InvariantCulture)] = new IPEndPoint(IPAddress.Loopback, int.Parse(parts[2], CultureInfo.InvariantCulture));
            }

            traffic.StartReaders();
            long cpuAtStart = 0;
            var harnessCpuAtStart = TimeSpan.Zero;
            var wallAtStart = 0L;
            var sender = new Thread(() => traffic.Send(ports, warmup, measured, senders, () =>
            {
                cpuAtStart = CpuTicks(cpuPid);
                harnessCpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
                wallAtStart = Stopwatch.GetTimestamp();
            }));
            sender.Start();
            sender.Join();
            await Task.Delay(1000);   // in-flight packets arrive (or are lost)
            var cpu = (CpuTicks(cpuPid) - cpuAtStart) / (double)ClockTicksPerSecond;
            var harnessCpu = (Process.GetCurrentProcess().TotalProcessorTime - harnessCpuAtStart).TotalSeconds;
            var wall = Stopwatch.GetElapsedTime(wallAtStart).TotalSeconds;
            var sent = traffic.MeasuredSent;
            var received = traffic.MeasuredReceived;
            var histogram = traffic.Histogram();
            process.StandardInput.Close();
            var summary = await process.StandardOutput.ReadLineAsync();
            return new Result(relay, sent, received, traffic.MeasuredMisrouted, received / measured.TotalSeconds, cpu, cpu / (received / 1e6), cpu / wall,
                Percentile(histogram, 0.50), Percentile(histogram, 0.99), Percentile(histogram, 1.0), harnessCpu / wall, summary ?? "", sent > 0);
        }
        finally
        {
            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>No relay: the senders send straight to the sinks, the harness's own latency and loss floor.</summary>
    private static async Task<Result> RunDirectAsync(LoadTraffic traffic, int sessions, TimeSpan warmup, TimeSpan measured, int senders)
    {
        var sinks = traffic.SinkEndPoints.ToArray();
        var ports = Enumerable.Range(0, sessions).Select(i => sinks[i % sinks.Length]).ToArray();
        traffic.StartReaders();
        var harnessCpuAtStart = TimeSpan.Zero;
        var wallAtStart = 0L;
        var sender = new Thread(() => traffic.Send(ports, warmup, measured, senders, () =>
        {
            harnessCpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            wallAtStart = Stopwatch.GetTimestamp();
        }));
        sender.Start();
        sender.Join();
        await Task.Delay(1000);
        var harnessCpu = (Process.GetCurrentProcess().TotalProcessorTime - harnessCpuAtStart).TotalSeconds;
        var wall = Stopwatch.GetElapsedTime(wallAtStart).TotalSeconds;
        var sent = traffic.MeasuredSent;
        var received = traffic.MeasuredReceived;
        var histogram = traffic.Histogram();
        return new Result("direct", sent, received, traffic.MeasuredMisrouted, received / measured.TotalSeconds, 0, 0, 0,
            Percentile(histogram, 0.50), Percentile(histogram, 0.99), Percentile(histogram, 1.0), harnessCpu / wall, "no relay", sent > 0);
    }

    private static double Percentile(long[] histogram, double q)
    {
        var total = histogram.Sum();
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(q * total);
        var seen = 0L;
        for (var i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen >= rank)
            {
                return i / 1000.0;
            }
        }

        return double.PositiveInfinity;
    }

    /// <summary>utime + stime of a process, in clock ticks.</summary>
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private const int ClockTicksPerSecond = 100;   // USER_HZ on Linux

    private static string BuildReference()
    {
        var source = Path.Combine(FindRoot(), "tools", "refrelay", "refrelay.c");
        var output = Path.Combine(Path.GetTempPath(), $"refrelay-{Environment.ProcessId}");
        using var gcc = Process.Start(new ProcessStartInfo("gcc", ["-O2", "-o", output, source]) { UseShellExecute = false })!;
        gcc.WaitForExit();
        return gcc.ExitCode == 0 ? output : throw new InvalidOperationException($"gcc failed to build {source}");
    }

    private static ProcessStartInfo SelfStartInfo(string mode)
    {
        var host = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(host);
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            psi.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        psi.ArgumentList.Add(mode);
        return psi;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gb28181Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Gb28181Gateway.sln not found above " + AppContext.BaseDirectory);
    }

    private static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

    private static int Int(string[] args, string name, int fallback) =>
        Value(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record Result(
        string Relay, long Sent, long Received, long Misrouted, double PacketsPerSecond, double CpuSeconds, double CpuSecondsPerMillion,
        double CpuCores, double P50, double P99, double Max, double HarnessCores, string RelaySummary, bool Sending)
    {
        /// <summary>Traffic was sent and none of it reached another session's sink.</summary>
        public bool Complete => Sending && Misrouted == 0;

        public override string ToString() => FormattableString.Invariant(
            $"{Relay,-14} forwarded {PacketsPerSecond,9:F0} packets/s, loss {Sent - Received} of {Sent} ({(Sent - Received) * 100.0 / Math.Max(Sent, 1):F4} %), misrouted {Misrouted}, latency p50 {P50:F3} ms p99 {P99:F3} ms max {Max:F3} ms, relay CPU {CpuSeconds:F2} s ({CpuCores:F2} cores) = {CpuSecondsPerMillion:F2} s per million packets; harness {HarnessCores:F2} cores [{RelaySummary}]");
    }
}

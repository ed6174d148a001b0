using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Benchmarks.Media;

/// <summary>
/// <c>relay-rtpengine</c>: rtpengine (Debian package <c>rtpengine-daemon</c>) in userspace mode as the relay
/// under test, with the same command line and output as <c>relay-serve</c> and tools/refrelay, so the load
/// harness drives all of them the same way. This process is only rtpengine's driver: it starts rtpengine as
/// its child, sets up one call per session over the ng protocol, prints "<c>pid N</c>" (rtpengine's process,
/// whose CPU the harness reads from /proc: all its threads) then "<c>session i port</c>" lines and "ready",
/// and idles until the harness closes stdin; then it prints one summary line (rtpengine's own counters),
/// deletes the calls and stops rtpengine (SIGTERM).
/// Session i: offer from the device side (a=sendonly, c=/m= the listen address, port 9: the harness's sender
/// ports are not known in advance and rtpengine learns the real source from the first packet), answer from
/// the platform side (a=recvonly, the sink i % sinks); the harness sends to the port of rtpengine's answer and
/// rtpengine sends on from the port of its offer to the sink. 4 ports per call (RTP+RTCP on each side).
/// </summary>
internal static class RtpEngineRelay
{
    public const string AptPackage = "rtpengine-daemon";

    /// <summary>Adds this mode's own option to the driver's command line (the harness's <c>--rtpengine-threads</c>).</summary>
    public static ProcessStartInfo StartInfo(ProcessStartInfo driver, int threads)
    {
        driver.ArgumentList.Add("--rtpengine-threads");
        driver.ArgumentList.Add(threads.ToString(CultureInfo.InvariantCulture));
        return driver;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var listen = IPAddress.Parse(RelayServe.Arg(args, "--listen"));
        var portMin = int.Parse(RelayServe.Arg(args, "--port-min"), CultureInfo.InvariantCulture);
        var sessions = int.Parse(RelayServe.Arg(args, "--sessions"), CultureInfo.InvariantCulture);
        var portMax = Math.Max(int.Parse(RelayServe.Arg(args, "--port-max"), CultureInfo.InvariantCulture), portMin + (4 * sessions) + 1000);
        var sinks = RelayServe.Arg(args, "--sinks").Split(',').Select(IPEndPoint.Parse).ToArray();
        var threads = Array.IndexOf(args, "--rtpengine-threads") >= 0
            ? int.Parse(RelayServe.Arg(args, "--rtpengine-threads"), CultureInfo.InvariantCulture)
            : Environment.ProcessorCount;
        if (threads < 1)
        {
            throw new ArgumentException($"--rtpengine-threads must be at least 1, not {threads}");
        }

        var ng = new IPEndPoint(listen, FreeUdpPort(listen));
        RtpEngineProcess engineOrNull;
        try
        {
            engineOrNull = RtpEngineProcess.Start(listen, ng, portMin, portMax, threads);
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"relay-rtpengine: {ex.Message}");
            return 1;
        }

        using var engine = engineOrNull;
        try
        {
            using var client = new RtpEngineNgClient(ng, TimeProvider.System);
            await engine.WaitForControlAsync();
            Console.WriteLine(FormattableString.Invariant($"pid {engine.Id}"));
            for (var i = 0; i < sessions; i++)
            {
                var port = await SetUpCallAsync(client, i, listen, sinks[i % sinks.Length]);
                Console.WriteLine(FormattableString.Invariant($"session {i} {port}"));
            }

            Console.WriteLine("ready");
            await Console.In.ReadToEndAsync();   // until the harness closes stdin
            var statistics = await client.CommandAsync(new BencodeWriter().StartDictionary().Entry("command", "statistics").End());
            var totals = statistics.GetDictionary("statistics")?.GetDictionary("totalstatistics");
            var current = statistics.GetDictionary("statistics")?.GetDictionary("currentstatistics");
            var (peakRss, threadCount) = engine.MemoryAndThreads();
            var perCall = new long[sessions];
            for (var i = 0; i < sessions; i++)
            {
                perCall[i] = DevicePackets(await client.CommandAsync(new BencodeWriter().StartDictionary()
                    .Entry("call-id", CallId(i)).Entry("command", "query").End()), i);
            }

            Array.Sort(perCall);
            Console.WriteLine(FormattableString.Invariant(
                $"rtpengine {threads} worker threads ({threadCount} in all), {current?.GetInteger("sessionsown")} calls, forwarded {totals?.GetInteger("relayedpackets_user")} errors {totals?.GetInteger("relayedpacketerrors_user")} (whole run), received per call min {perCall[0]} median {perCall[sessions / 2]} max {perCall[^1]}, {perCall.Count(p => p < perCall[^1] / 2)} calls under half the busiest one's count, {engine.ReceiveQueueErrors} receive-queue errors logged, peak RSS {peakRss / 1024.0:F1} MB"));
            for (var i = 0; i < sessions; i++)
            {
                await client.CommandAsync(new BencodeWriter().StartDictionary()
                    .Entry("call-id", CallId(i)).Entry("command", "delete").Entry("from-tag", DeviceTag(i)).End());
            }

            await engine.StopAsync();
            return 0;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or FormatException)
        {
            await Console.Error.WriteLineAsync($"relay-rtpengine: {ex.Message}{engine.StderrTail()}");
            return 1;
        }
    }

    /// <summary>Offer (device side) and answer (platform side = the sink); returns the port the device sends to.</summary>
    private static async Task<int> SetUpCallAsync(RtpEngineNgClient client, int session, IPAddress listen, IPEndPoint sink)
    {
        var offer = await client.CommandAsync(new BencodeWriter().StartDictionary()
            .Entry("call-id", CallId(session)).Entry("command", "offer").Entry("from-tag", DeviceTag(session))
            .Entry("sdp", Sdp(listen, 9, "sendonly")).End());
        MediaPort(offer, session, "offer");
        var answer = await client.CommandAsync(new BencodeWriter().StartDictionary()
            .Entry("call-id", CallId(session)).Entry("command", "answer").Entry("from-tag", DeviceTag(session))
            .Entry("sdp", Sdp(sink.Address, sink.Port, "recvonly")).Entry("to-tag", FormattableString.Invariant($"platform-{session}")).End());
        return MediaPort(answer, session, "answer");
    }

    /// <summary>Packets rtpengine received from the device in a call (query: tags.device-i.medias[0].streams[0].stats.packets).</summary>
    private static long DevicePackets(BencodeDictionary query, int session)
    {
        var device = query.GetDictionary("tags")?.GetDictionary(DeviceTag(session));
        var media = First(device?["medias"]);
        var rtp = First(media?["streams"]);
        return rtp?.GetDictionary("stats")?.GetInteger("packets")
            ?? throw new InvalidOperationException($"rtpengine's query of session {session} has no tags.{DeviceTag(session)}.medias[0].streams[0].stats.packets");
    }

    private static BencodeDictionary? First(BencodeValue? list) =>
        list is BencodeList { Items.Count: > 0 } l ? l.Items[0] as BencodeDictionary : null;

    private static string CallId(int session) => FormattableString.Invariant($"gb28181-load-{session}");

    private static string DeviceTag(int session) => FormattableString.Invariant($"device-{session}");

    /// <summary>A GB28181 live-view SDP (PS over RTP/AVP, payload type 96) without y=/f= (rtpengine ignores them).</summary>
    private static string Sdp(IPAddress address, int port, string direction) => FormattableString.Invariant(
        $"v=0\r\no=34020000001320000001 0 0 IN IP4 {address}\r\ns=Play\r\nc=IN IP4 {address}\r\nt=0 0\r\nm=video {port} RTP/AVP 96\r\na=rtpmap:96 PS/90000\r\na={direction}\r\n");

    /// <summary>The port of the "m=video" line of a reply's SDP.</summary>
    private static int MediaPort(BencodeDictionary reply, int session, string command)
    {
        if (reply["sdp"] is not BencodeBytes sdp)
        {
            throw new InvalidOperationException($"rtpengine's reply to the {command} of session {session} has no SDP (keys: {string.Join(", ", reply.Items.Keys)})");
        }

        var span = sdp.Value.Span;
        var at = span.IndexOf("\nm=video "u8);
        if (at < 0 || !Utf8Parser.TryParse(span[(at + 9)..], out int port, out _) || port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"rtpengine's reply to the {command} of session {session} has no m=video port: {sdp}");
        }

        return port;
    }

    private static int FreeUdpPort(IPAddress address)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}

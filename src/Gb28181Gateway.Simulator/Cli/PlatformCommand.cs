using System.CommandLine;
using System.Globalization;
using Gb28181Gateway.Protocol.Text;
using Gb28181Gateway.Simulator.Platform;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Simulator.Cli;

/// <summary>
/// <c>gbsim platform</c>: a superior platform the gateway registers to. Exit codes: 0 done, 2 nobody registered
/// in time, 3 catalog incomplete, 4 DeviceInfo unanswered, 5 the play got no RTP.
/// </summary>
internal static class PlatformCommand
{
    public const int NoRegistration = 2;
    public const int CatalogIncomplete = 3;
    public const int DeviceInfoMissing = 4;
    public const int PlayFailed = 5;

    public static Command Create(Option<LogLevel> logLevel)
    {
        var listen = new Option<string>("--listen") { Description = "address:port to listen on (UDP and TCP)", DefaultValueFactory = _ => "127.0.0.1:15060" };
        var serverId = new Option<string>("--server-id") { Description = "the platform's 20-digit ID", DefaultValueFactory = _ => "41010500002000000001" };
        var domain = new Option<string?>("--domain") { Description = "SIP domain / digest realm (default: first 10 digits of --server-id)" };
        var password = new Option<string>("--password") { Description = "digest password clients must use (empty: none)", DefaultValueFactory = _ => "12345678" };
        var queryCatalog = new Option<bool>("--query-catalog") { Description = "query the first registered client's catalog and print it" };
        var deviceInfo = new Option<bool>("--query-device-info") { Description = "query the first registered client's DeviceInfo" };
        var play = new Option<string?>("--play") { Description = "INVITE this channel through the client and count the RTP" };
        var rtpPort = new Option<int>("--rtp-port") { Description = "UDP port for --play's RTP (0 = any)", DefaultValueFactory = _ => 0 };
        var playSeconds = new Option<int>("--play-seconds") { Description = "how long to receive RTP before BYE", DefaultValueFactory = _ => 10 };
        var wait = new Option<int>("--wait") { Description = "seconds to wait for the first registration", DefaultValueFactory = _ => 120 };
        var queryTimeout = new Option<int>("--query-timeout") { Description = "seconds to wait for the last catalog item", DefaultValueFactory = _ => 120 };
        var charset = new Option<string>("--charset") { Description = "charset of the queries sent", DefaultValueFactory = _ => "GB2312" };
        var quiet = new Option<bool>("--quiet") { Description = "do not print every catalog item" };
        var maxExpires = new Option<int>("--max-expires") { Description = "longest registration granted, seconds", DefaultValueFactory = _ => 3600 };
        var queryOnInput = new Option<bool>("--query-on-input") { Description = "after the registration, wait for a line on stdin before querying (for scripts: query once the devices are online)" };
        var duration = new Option<int>("--duration") { Description = "keep serving this many seconds (0: exit after the queries/play; until Ctrl-C when none)", DefaultValueFactory = _ => 0 };

        var command = new Command("platform", "simulate a superior platform (registrar, catalog queries, play)")
        {
            listen, serverId, domain, password, queryCatalog, deviceInfo, play, rtpPort, playSeconds, wait, queryTimeout, charset, quiet, maxExpires, queryOnInput, duration,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new PlatformOptions
            {
                Listen = CliParsing.EndPoint("--listen", parse.GetValue(listen)!),
                ServerId = parse.GetValue(serverId)!,
                Domain = parse.GetValue(domain),
                Password = parse.GetValue(password) ?? string.Empty,
                MaxExpires = parse.GetValue(maxExpires),
                QueryCatalog = parse.GetValue(queryCatalog),
                QueryDeviceInfo = parse.GetValue(deviceInfo),
                QueryTimeout = TimeSpan.FromSeconds(parse.GetValue(queryTimeout)),
                Charset = GbEncodings.ParseCharset(parse.GetValue(charset)!),
            };
            options = options with { MediaAddress = options.Listen.Address };
            using var log = new ConsoleLog(parse.GetValue(logLevel));
            var request = new PlatformRun(parse.GetValue(play), parse.GetValue(rtpPort), TimeSpan.FromSeconds(parse.GetValue(playSeconds)),
                TimeSpan.FromSeconds(parse.GetValue(wait)), TimeSpan.FromSeconds(parse.GetValue(duration)), !parse.GetValue(quiet))
            {
                Input = parse.GetValue(queryOnInput) ? Console.In : null,
            };
            return await RunAsync(options, request, log, Console.Out, ct);
        });
        return command;
    }

    /// <summary>Runs the platform and writes what it received to <paramref name="output"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(PlatformOptions options, PlatformRun run, ILoggerFactory log, TextWriter output, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        await using var platform = new SimulatedPlatform(options, time, log);
        platform.Start();
        output.WriteLine($"gbsim platform {options.ServerId} listening on {platform.Agent.Transport.LocalEndPoint} (UDP+TCP)");
        var exit = 0;
        var acting = options.QueryCatalog || options.QueryDeviceInfo || run.PlayChannel is not null;
        if (acting)
        {
            RegisteredClient client;
            try
            {
                client = await platform.WaitForClientAsync(run.Wait, cancellationToken);
            }
            catch (TimeoutException)
            {
                output.WriteLine($"no client registered within {run.Wait.TotalSeconds:F0} s");
                return NoRegistration;
            }

            output.WriteLine($"registered: {client.Id} from {client.Source} (expires {client.Expires} s)");
            if (run.Input is { } input)
            {
                output.WriteLine("waiting for a line on stdin before querying");
                await input.ReadLineAsync(cancellationToken);
            }
            if (options.QueryCatalog)
            {
                var catalog = await platform.QueryCatalogAsync(client, cancellationToken);
                if (run.PrintItems)
                {
                    foreach (var item in catalog.Items)
                    {
                        output.WriteLine($"channel {item.DeviceId} {item.Name}");
                    }
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"catalog {catalog.DeviceId} SN {catalog.Sn}: {catalog.Items.Count}/{catalog.SumNum?.ToString(CultureInfo.InvariantCulture) ?? "?"} items in {catalog.Messages} messages ({catalog.Duplicates} duplicates), query to last item {catalog.QueryToLastItem.TotalSeconds:F3} s, {(catalog.IsComplete ? "complete" : "INCOMPLETE")}"));
                exit = catalog.IsComplete ? exit : CatalogIncomplete;
            }

            if (options.QueryDeviceInfo)
            {
                var info = await platform.QueryDeviceInfoAsync(client, cancellationToken);
                output.WriteLine(info is null ? "device info: no answer"
                    : $"device info {info.DeviceId}: {info.DeviceName} {info.Manufacturer} {info.Model} {info.Firmware} channels {info.Channel} result {info.Result}");
                exit = exit != 0 || info is not null ? exit : DeviceInfoMissing;
            }

            if (run.PlayChannel is { } channel)
            {
                var result = await PlatformPlayer.PlayAsync(platform, client, channel, run.RtpPort, run.PlayTime, cancellationToken);
                output.WriteLine($"play {channel}: status {result.StatusCode}, SSRC offered {result.Ssrc} answered {result.AnsweredSsrc ?? "-"}, RTP {result.Packets} packets {result.Bytes} payload bytes ({result.ForeignSsrcPackets} with another SSRC)");
                exit = exit != 0 || result.IsSuccess ? exit : PlayFailed;
            }

            if (run.Duration <= TimeSpan.Zero)
            {
                return exit;
            }
        }

        using var stop = run.Duration > TimeSpan.Zero ? new CancellationTokenSource(run.Duration, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), time, linked.Token);
                output.WriteLine(Status(platform));
            }
        }
        catch (OperationCanceledException)
        {
        }

        output.WriteLine("summary: " + Status(platform));
        return exit;
    }

    private static string Status(SimulatedPlatform platform) =>
        $"clients {platform.Clients.Count}, registrations {platform.Registrations}, challenges {platform.Challenges}, forbidden {platform.Forbidden}, keepalives {platform.KeepalivesReceived}";
}

/// <summary>The platform command's actions beyond serving registrations.</summary>
internal sealed record PlatformRun(string? PlayChannel, int RtpPort, TimeSpan PlayTime, TimeSpan Wait, TimeSpan Duration, bool PrintItems)
{
    /// <summary>When set, a line is read from it between the registration and the queries.</summary>
    public TextReader? Input { get; init; }
}

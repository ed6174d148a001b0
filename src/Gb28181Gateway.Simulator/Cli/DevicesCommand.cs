using System.CommandLine;
using Gb28181Gateway.Protocol.Text;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Simulator.Cli;

/// <summary><c>gbsim devices</c>: N simulated devices registering to a server, with status lines and a summary.</summary>
internal static class DevicesCommand
{
    public static Command Create(Option<LogLevel> logLevel)
    {
        var server = new Option<string>("--server") { Description = "the SIP server (gateway) to register to, address:port", DefaultValueFactory = _ => "127.0.0.1:5060" };
        var serverId = new Option<string>("--server-id") { Description = "the server's 20-digit ID", DefaultValueFactory = _ => "34020000002000000001" };
        var domain = new Option<string?>("--domain") { Description = "SIP domain / digest realm (default: first 10 digits of --server-id)" };
        var count = new Option<int>("--count") { Description = "number of devices", DefaultValueFactory = _ => 1 };
        var channels = new Option<int>("--channels") { Description = "channels (cameras) per device", DefaultValueFactory = _ => 1 };
        var password = new Option<string>("--password") { Description = "digest password (empty: none)", DefaultValueFactory = _ => "12345678" };
        var transport = new Option<string>("--transport") { Description = "udp or tcp", DefaultValueFactory = _ => "udp" };
        var keepalive = new Option<int>("--keepalive") { Description = "keepalive interval, seconds", DefaultValueFactory = _ => 60 };
        var expires = new Option<int>("--expires") { Description = "registration expiry asked for, seconds", DefaultValueFactory = _ => 3600 };
        var firstId = new Option<string>("--first-id") { Description = "ID of the first device; the others follow", DefaultValueFactory = _ => "34020000001320000001" };
        var rate = new Option<double>("--rate") { Description = "registrations started per second (0 = as fast as possible)", DefaultValueFactory = _ => 0 };
        var maxInFlight = new Option<int>("--max-inflight") { Description = "first registrations outstanding at once", DefaultValueFactory = _ => 256 };
        var localAddress = new Option<string>("--local-address") { Description = "local address of the SIP and RTP sockets", DefaultValueFactory = _ => "127.0.0.1" };
        var localPortBase = new Option<int>("--local-port-base") { Description = "first local SIP port (0 = ephemeral)", DefaultValueFactory = _ => 0 };
        var perPort = new Option<int>("--devices-per-port") { Description = "devices sharing one local SIP port", DefaultValueFactory = _ => 1000 };
        var charset = new Option<string>("--charset") { Description = "MANSCDP charset: GB18030, GB2312 or UTF-8", DefaultValueFactory = _ => "GB18030" };
        var itemsPerMessage = new Option<int>("--catalog-items-per-message") { Description = "catalog items per MESSAGE (0 = 2 over UDP, 20 over TCP)", DefaultValueFactory = _ => 0 };
        var mediaFile = new Option<string?>("--media-file") { Description = "RFC 4571 RTP capture to stream (default: the embedded PS capture)" };
        var duration = new Option<int>("--duration") { Description = "run this many seconds, then unregister and exit (0 = until Ctrl-C)", DefaultValueFactory = _ => 0 };
        var statusInterval = new Option<int>("--status-interval") { Description = "seconds between status lines", DefaultValueFactory = _ => 5 };
        var exitWhenRegistered = new Option<bool>("--exit-when-registered") { Description = "exit as soon as every device has registered" };
        var noUnregister = new Option<bool>("--no-unregister") { Description = "do not send REGISTER Expires: 0 at exit" };

        var command = new Command("devices", "simulate GB28181 devices (IPC/NVR) registering to a SIP server")
        {
            server, serverId, domain, count, channels, password, transport, keepalive, expires, firstId, rate, maxInFlight,
            localAddress, localPortBase, perPort, charset, itemsPerMessage, mediaFile, duration, statusInterval, exitWhenRegistered, noUnregister,
        };
        command.SetAction(async (parse, ct) =>
        {
            var kind = CliParsing.Transport(parse.GetValue(transport)!);
            var address = CliParsing.Address("--local-address", parse.GetValue(localAddress)!);
            var options = new DeviceFarmOptions
            {
                Server = new SipEndPoint(kind, CliParsing.EndPoint("--server", parse.GetValue(server)!)),
                ServerId = parse.GetValue(serverId)!,
                Domain = parse.GetValue(domain),
                Count = parse.GetValue(count),
                Channels = parse.GetValue(channels),
                Password = parse.GetValue(password) ?? string.Empty,
                KeepaliveInterval = TimeSpan.FromSeconds(parse.GetValue(keepalive)),
                Expires = parse.GetValue(expires),
                FirstId = parse.GetValue(firstId)!,
                Rate = parse.GetValue(rate),
                MaxInFlight = parse.GetValue(maxInFlight),
                LocalAddress = address,
                MediaAddress = address,
                LocalPortBase = parse.GetValue(localPortBase),
                DevicesPerPort = parse.GetValue(perPort),
                Charset = GbEncodings.ParseCharset(parse.GetValue(charset)!),
                CatalogItemsPerMessage = parse.GetValue(itemsPerMessage),
                MediaFile = parse.GetValue(mediaFile),
                UnregisterOnStop = !parse.GetValue(noUnregister),
            };
            using var log = new ConsoleLog(parse.GetValue(logLevel));
            return await RunAsync(options, TimeSpan.FromSeconds(parse.GetValue(duration)), TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(statusInterval))),
                parse.GetValue(exitWhenRegistered), log, ct);
        });
        return command;
    }

    /// <summary>Runs the farm; exit code 0 when every device registered at some point, 1 otherwise.</summary>
    public static async Task<int> RunAsync(DeviceFarmOptions options, TimeSpan duration, TimeSpan statusInterval, bool exitWhenRegistered,
        ILoggerFactory log, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        await using var farm = new DeviceFarm(options, time, log);
        farm.Start();
        Console.WriteLine($"gbsim devices: {options.Count} x {options.Channels} channels -> {options.Server} ({options.Server.ViaTransport}), local {string.Join(", ", farm.Transports.Select(static t => t.LocalEndPoint))}");
        using var stop = duration > TimeSpan.Zero ? new CancellationTokenSource(duration, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);
        var tick = exitWhenRegistered ? TimeSpan.FromMilliseconds(100) : statusInterval;
        var nextStatus = statusInterval;
        try
        {
            while (true)
            {
                await Task.Delay(tick, time, linked.Token);
                if (exitWhenRegistered && farm.Statistics.AllRegisteredAfter is not null)
                {
                    break;
                }

                if (farm.Elapsed >= nextStatus)
                {
                    nextStatus += statusInterval;
                    Console.WriteLine(farm.Statistics.StatusLine(options.Count, farm.Elapsed));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        var elapsed = farm.Elapsed;
        Console.WriteLine(farm.Statistics.StatusLine(options.Count, elapsed));
        await farm.StopAsync(TimeSpan.FromSeconds(10));
        Console.WriteLine(farm.Statistics.Summary(options.Count, elapsed));
        return farm.Statistics.AllRegisteredAfter is null ? 1 : 0;
    }
}

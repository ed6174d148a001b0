using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Cascade.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gb28181Gateway.Benchmarks.Lower;

/// <summary>
/// <c>reg-alloc [devices] [warmup] [types] [shared]</c> (<c>shared</c>: every device lists the same two channel IDs, as cameras left with factory-default IDs do): bytes the gateway allocates per device coming online, by phase. The lower
/// domain runs in this process wired as <see cref="LowerServiceCollectionExtensions.AddLowerDomain"/> wires it
/// (real SIP stack, UDP on loopback, in-memory store, system clock); one device at a time is driven by
/// <see cref="RegistrationAllocDevice"/> from a dedicated thread. Each phase's figure is
/// <c>GC.GetTotalAllocatedBytes(precise: true)</c> over the phase minus what the device thread allocated itself,
/// so it is what the gateway allocated (plus the little the runtime does meanwhile), averaged over the devices.
/// </summary>
internal static class RegistrationAlloc
{
    public const string ServerId = "34020000002000000001";
    public const string Domain = "3402000000";
    public const string Password = "12345678";

    public static async Task<int> RunAsync(string[] args)
    {
        var devices = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var warmup = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
        using var types = args.Contains("types") ? new RegistrationAllocTypes() : null;
        var options = new GatewayOptions
        {
            Sip = new SipOptions
            {
                DeviceId = ServerId,
                Domain = Domain,
                ListenAddress = "127.0.0.1",
                Port = FreeUdpPort(),
                Password = Password,
                KeepaliveTimeoutSeconds = 180,
                MinExpiresSeconds = 60,
                MaxExpiresSeconds = 86400,
                QueryTimeoutSeconds = 30,
                CatalogRefreshSeconds = 0,
                CatalogSubscriptionSeconds = 0,
            },
        };
        var time = TimeProvider.System;
        var wrapped = Options.Create(options);
        await using var endpoints = new GatewaySipEndpoints(options, time, NullLoggerFactory.Instance);
        using var bus = new GatewayEventBus();
        var store = new InMemoryStateStore();
        var directory = new DeviceDirectory(time);
        var metrics = new LowerMetrics(directory);
        var correlator = new ManscdpCorrelator(time);
        var subscriptions = new DeviceSubscriptions(wrapped, endpoints, correlator, time, NullLogger<DeviceSubscriptions>.Instance);
        var client = new DeviceClient(wrapped, endpoints, directory, correlator, subscriptions, time, metrics, NullLogger<DeviceClient>.Instance);
        var catalogs = new CatalogSynchronizer(wrapped, client, subscriptions, directory, store, bus, correlator, time, NullLogger<CatalogSynchronizer>.Instance);
        var presence = new DevicePresence(wrapped, catalogs, store, bus, time, NullLogger<DevicePresence>.Instance);
        var registrar = new DeviceRegistrar(wrapped, directory, presence, time, metrics, NullLogger<DeviceRegistrar>.Instance);
        var router = new DeviceMessageRouter(directory, presence, correlator, catalogs, subscriptions, client, bus, time, metrics, NullLogger<DeviceMessageRouter>.Instance);
        var service = new LowerDomainService(endpoints, directory, presence, registrar, router, subscriptions, store, NullLogger<LowerDomainService>.Instance);
        endpoints.Start();
        await service.StartAsync(CancellationToken.None);
        var gateway = new IPEndPoint(IPAddress.Loopback, options.Sip.Port);

        long[]? totals = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var device = new RegistrationAllocDevice(gateway, directory, sharedChannelIds: args.Contains("shared"));
                device.Run(0, warmup);
                types?.Enabled = true;
                totals = device.Run(warmup, devices);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        await service.StopAsync(CancellationToken.None);
        if (failure is not null)
        {
            await Console.Error.WriteLineAsync(failure.ToString());
            return 1;
        }

        Console.WriteLine($"reg-alloc: {devices} devices x 2 {(args.Contains("shared") ? "shared" : "own")} channels over UDP (after {warmup} warm-up devices), gateway bytes allocated per device:");
        long sum = 0;
        for (var i = 0; i < RegistrationAllocDevice.PhaseNames.Length; i++)
        {
            var perDevice = totals![i] / devices;
            sum += perDevice;
            Console.WriteLine($"  {RegistrationAllocDevice.PhaseNames[i],-40} {perDevice,9:N0} B");
        }

        Console.WriteLine($"  {"total",-40} {sum,9:N0} B");
        types?.Print(40);
        Console.WriteLine($"  gen0/1/2 collections during the run: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
        return 0;
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}

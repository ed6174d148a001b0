using System.Collections.Concurrent;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>The gateway side of an upper-domain test: real SIP endpoints on loopback, the upper domain, fake devices below.</summary>
internal sealed class UpperTestGateway : IAsyncDisposable
{
    public const string GatewayDeviceId = "34020000002000000002";
    public const string PlatformId = "41010500002000000001";
    public const string Password = "12345678";

    private UpperTestGateway(GatewayOptions options, PlatformOptions platform)
    {
        Options = options;
        Platform = platform;
    }

    public GatewayOptions Options { get; }

    public PlatformOptions Platform { get; }

    public InMemoryStateStore Store { get; } = new();

    public GatewayEventBus Bus { get; } = new();

    public FakeDeviceDirectory Devices { get; } = new();

    public FakeDeviceClient DeviceClient { get; } = new();

    public GatewaySipEndpoints Endpoints { get; private set; } = null!;

    public UpperDomain Upper { get; private set; } = null!;

    /// <summary>Every REGISTER answer the gateway got, with the Expires it asked for.</summary>
    public ConcurrentQueue<(int Expires, PlatformAnswer Answer)> RegisterAnswers { get; } = new();

    public static async Task<UpperTestGateway> StartAsync(int platformPort, Action<PlatformOptions>? configure = null, Action<GatewayOptions>? configureGateway = null)
    {
        var platform = new PlatformOptions
        {
            Name = "province", ServerId = PlatformId, ServerDomain = "4101050000", Host = "127.0.0.1", Port = platformPort, Transport = "udp",
            DeviceId = GatewayDeviceId, LocalPort = LoopbackPorts.Next(), Password = Password, Expires = 3600, KeepaliveIntervalSeconds = 1,
            KeepaliveMaxMisses = 3,
        };
        configure?.Invoke(platform);
        var options = new GatewayOptions();
        options.Sip.ListenAddress = "127.0.0.1";
        options.Sip.Port = LoopbackPorts.Next();
        options.Platforms.Add(platform);
        configureGateway?.Invoke(options);
        var gateway = new UpperTestGateway(options, platform);
        gateway.Endpoints = new GatewaySipEndpoints(options, TimeProvider.System, NullLoggerFactory.Instance);
        gateway.Endpoints.Start();
        gateway.Upper = new UpperDomain(options, gateway.Endpoints, gateway.Store, gateway.Bus, gateway.Devices, gateway.DeviceClient, TimeProvider.System,
            NullLoggerFactory.Instance, p => new RecordingSignalling(new SipPlatformSignalling(p, gateway.Endpoints.ForPlatform(p.Name)), gateway.RegisterAnswers, gateway.MessageAnswers),
            new PlatformBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)));
        await gateway.Upper.StartAsync(CancellationToken.None);
        return gateway;
    }

    /// <summary>Every MESSAGE the gateway sent to the platform (keepalives, answers, alarms) with the platform's answer.</summary>
    public ConcurrentQueue<(byte[] Body, PlatformAnswer Answer)> MessageAnswers { get; } = new();

    public PlatformContext Context => Upper.Find(Platform.Name)!;

    public PlatformContext ContextOf(string platform) => Upper.Find(platform)!;

    public async ValueTask DisposeAsync()
    {
        await Upper.DisposeAsync();
        Bus.Dispose();
        await Endpoints.DisposeAsync();
    }

    private sealed class RecordingSignalling(IPlatformSignalling inner, ConcurrentQueue<(int, PlatformAnswer)> answers,
        ConcurrentQueue<(byte[], PlatformAnswer)> messageAnswers) : IPlatformSignalling
    {
        public async Task<PlatformAnswer> RegisterAsync(int expires, CancellationToken cancellationToken)
        {
            var answer = await inner.RegisterAsync(expires, cancellationToken);
            answers.Enqueue((expires, answer));
            return answer;
        }

        public async Task<PlatformAnswer> SendMessageAsync(byte[] body, CancellationToken cancellationToken)
        {
            var answer = await inner.SendMessageAsync(body, cancellationToken);
            messageAnswers.Enqueue((body, answer));
            return answer;
        }
    }
}

internal static class Wait
{
    /// <summary>Polls <paramref name="condition"/> (up to 20 s: a liveness bound, not a timing assertion).</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition(), "timed out waiting for " + what);
    }
}

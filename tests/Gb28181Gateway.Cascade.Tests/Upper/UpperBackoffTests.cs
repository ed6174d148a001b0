using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>The registration back-off per platform: <c>RetryMinSeconds</c> doubling to <c>RetryMaxSeconds</c>, validated at start.</summary>
public sealed class UpperBackoffTests
{
    [Fact]
    public async Task Each_platform_backs_off_from_its_own_retry_min_doubling_to_its_retry_max_on_the_manual_clock()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 21, 20, 0, 0, TimeSpan.Zero));
        var platform = new FakePlatformSignalling(time);
        using var hooked = new ManualResetEventSlim();
        platform.OnRegister = _ =>
        {
            hooked.Wait(TimeSpan.FromSeconds(10)); // the first REGISTER waits until the test watches the session's timers
            return new PlatformAnswer(403, "Forbidden");
        };
        var options = new GatewayOptions();
        options.Sip.ListenAddress = "127.0.0.1";
        options.Sip.Port = LoopbackPorts.Next();
        options.Platforms.Add(new PlatformOptions
        {
            Name = "province", ServerId = UpperTestGateway.PlatformId, ServerDomain = "4101050000", Host = "127.0.0.1", Port = 5060,
            DeviceId = UpperTestGateway.GatewayDeviceId, LocalPort = LoopbackPorts.Next(), RetryMinSeconds = 5, RetryMaxSeconds = 30,
        });
        Assert.Empty(GatewayOptionsValidator.Validate(options));
        await using var endpoints = new GatewaySipEndpoints(options, time, NullLoggerFactory.Instance);
        using var bus = new GatewayEventBus();
        await using var upper = new UpperDomain(options, endpoints, new InMemoryStateStore(), bus, new FakeDeviceDirectory(), new FakeDeviceClient(), time,
            NullLoggerFactory.Instance, _ => platform); // no back-off passed in: the platform's options decide
        await upper.StartAsync(CancellationToken.None);
        var driver = new ManualSessionDriver(upper.Find("province")!.Session, time);
        hooked.Set();

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            waits.Add(await driver.StepAsync());
        }

        double[] steps = [5, 10, 20, 30, 30, 30]; // jitter only shortens a step, by at most a quarter
        for (var i = 0; i < steps.Length; i++)
        {
            Assert.InRange(waits[i].TotalSeconds, steps[i] * 0.75, steps[i]);
        }

        await WaitUntilAsync(() => platform.Registers.Count >= 7);
        lock (platform.Registers)
        {
            for (var i = 0; i < 6; i++)
            {
                var gap = platform.Registers[i + 1].At - platform.Registers[i].At; // every retry came after its wait (the manual clock keeps milliseconds)
                Assert.InRange((gap - waits[i]).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
            }
        }
    }

    [Fact]
    public void The_defaults_are_2_seconds_doubling_to_5_minutes()
    {
        var backoff = PlatformBackoff.For(new PlatformOptions());

        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5)), (backoff.Initial, backoff.Cap));
    }

    [Theory]
    [InlineData(0, 300, "Gateway:Platforms:0:RetryMinSeconds: must be positive (got 0)")]
    [InlineData(-3, 300, "Gateway:Platforms:0:RetryMinSeconds: must be positive (got -3)")]
    [InlineData(60, 30, "Gateway:Platforms:0:RetryMaxSeconds: must be at least Platforms:0:RetryMinSeconds (60) (got 30)")]
    public void Bad_retry_bounds_stop_start_up_with_one_line_naming_the_key(int min, int max, string problem)
    {
        var options = new GatewayOptions();
        options.Platforms.Add(new PlatformOptions
        {
            Name = "province", ServerId = UpperTestGateway.PlatformId, ServerDomain = "4101050000", Host = "127.0.0.1",
            DeviceId = UpperTestGateway.GatewayDeviceId, RetryMinSeconds = min, RetryMaxSeconds = max,
        });

        Assert.Equal([problem], GatewayOptionsValidator.Validate(options).Select(p => p.ToString()));
    }

    [Fact]
    public void Equal_retry_bounds_are_a_fixed_interval_and_valid()
    {
        var options = new GatewayOptions();
        options.Platforms.Add(new PlatformOptions
        {
            Name = "province", ServerId = UpperTestGateway.PlatformId, ServerDomain = "4101050000", Host = "127.0.0.1",
            DeviceId = UpperTestGateway.GatewayDeviceId, RetryMinSeconds = 30, RetryMaxSeconds = 30,
        });

        Assert.Empty(GatewayOptionsValidator.Validate(options));
        var backoff = PlatformBackoff.For(options.Platforms[0]);
        Assert.All([1, 2, 10], n => Assert.InRange(backoff.Delay(n).TotalSeconds, 22.5, 30));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition());
    }
}

using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Cascade.Tests.Upper;

public sealed class PlatformSessionTests : IAsyncDisposable
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 21, 20, 0, 0, TimeSpan.Zero));
    private readonly InMemoryStateStore _store = new();
    private readonly GatewayEventBus _bus = new();
    private readonly FakePlatformSignalling _platform;
    private readonly PlatformOptions _options = new()
    {
        Name = "province", ServerId = "41010500002000000001", DeviceId = "34020000002000000002", Expires = 3600,
        KeepaliveIntervalSeconds = 60, KeepaliveMaxMisses = 3,
    };
    private PlatformSession? _session;

    public PlatformSessionTests() => _platform = new FakePlatformSignalling(_time);

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        _bus.Dispose();
    }

    [Fact]
    public async Task Registers_then_sends_keepalives_every_interval()
    {
        var (session, driver) = Start();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(60), await driver.StepAsync());
        }

        await WaitUntil(() => _platform.Messages.Count == 3);
        Assert.Single(_platform.Registers);
        var keepalive = Assert.IsType<KeepaliveNotify>(ManscdpCodec.Parse(_platform.Messages[0].Body));
        Assert.Equal("34020000002000000002", keepalive.DeviceId);
        Assert.Equal("OK", keepalive.Status);
        Assert.Equal(TimeSpan.FromSeconds(60), _platform.Messages[1].At - _platform.Messages[0].At);
        Assert.NotEqual(keepalive.Sn, ManscdpCodec.Parse(_platform.Messages[1].Body).Sn);
        await WaitUntil(() => session.State.LastKeepaliveAt == _time.GetUtcNow());
        Assert.Equal(PlatformSession.StateRegistered, session.State.State);
        var saved = Assert.Single(await _store.LoadPlatformsAsync());
        Assert.Equal(PlatformSession.StateRegistered, saved.State);
    }

    [Fact]
    public async Task Refreshes_at_80_percent_of_the_granted_expiry()
    {
        _platform.OnRegister = _ => new PlatformAnswer(200, "OK", 100);
        var (_, driver) = Start();

        Assert.Equal(TimeSpan.FromSeconds(60), await driver.StepAsync()); // keepalive at 60 s
        Assert.Equal(TimeSpan.FromSeconds(20), await driver.StepAsync()); // refresh at 80 s
        await driver.StepAsync();

        Assert.Equal(2, _platform.Registers.Count);
        Assert.Equal(TimeSpan.FromSeconds(80), _platform.Registers[1].At - _platform.Registers[0].At);
        Assert.Equal(3600, _platform.Registers[1].Expires);
    }

    [Fact]
    public async Task Unanswered_keepalives_lose_the_platform_and_register_again()
    {
        var events = _bus.Subscribe("test");
        var (session, driver) = Start();
        Assert.IsType<PlatformRegisteredEvent>(await events.ReadAsync());
        _platform.OnMessage = _ => new PlatformAnswer(408, "Request Timeout");

        await driver.StepAsync();
        await driver.StepAsync();
        Assert.Single(_platform.Registers);
        await driver.StepAsync(); // third miss

        var lost = Assert.IsType<PlatformLostEvent>(await events.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("province", lost.Platform);
        Assert.Contains("3 keepalives", lost.Reason, StringComparison.Ordinal);
        Assert.IsType<PlatformRegisteredEvent>(await events.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, _platform.Registers.Count);
        Assert.Equal(_platform.Registers[1].At, _platform.Messages[2].At); // at once, no backoff after a loss
        Assert.Equal(PlatformSession.StateRegistered, session.State.State);
    }

    [Fact]
    public async Task A_rejected_keepalive_means_the_platform_forgot_us()
    {
        var (_, driver) = Start();
        _platform.OnMessage = _ => new PlatformAnswer(404, "Not Found");

        await driver.StepAsync();
        await WaitUntil(() => _platform.Registers.Count == 2);
    }

    [Fact]
    public async Task Rejected_then_gone_then_back_backs_off_within_bounds_and_never_spins()
    {
        var start = _time.GetUtcNow();
        var backoff = PlatformBackoff.Default;
        _platform.OnRegister = _ => (_time.GetUtcNow() - start) switch
        {
            var t when t < TimeSpan.FromMinutes(10) => new PlatformAnswer(403, "Forbidden"),
            var t when t < TimeSpan.FromMinutes(30) => new PlatformAnswer(408, "Request Timeout"),
            _ => new PlatformAnswer(200, "OK"),
        };
        var (session, driver) = Start(backoff);

        await driver.RunUntilAsync(start, TimeSpan.FromMinutes(30));
        var failedRegisters = _platform.Registers.Count;
        await WaitUntil(() => session.IsRegistered);

        // 2, 4, ... 256 s then 5 min steps (jitter shortens each by at most a quarter): 30 minutes hold 9 to 19 attempts.
        Assert.InRange(failedRegisters, 9, 19);
        Assert.All(driver.Waits, w => Assert.InRange(w, backoff.Initial * 0.75, backoff.Cap));
        for (var i = 1; i < 8; i++)
        {
            Assert.True(driver.Waits[i] > driver.Waits[i - 1], $"wait {i} ({driver.Waits[i]}) should grow from {driver.Waits[i - 1]}");
        }

        var back = start + TimeSpan.FromMinutes(30);
        Assert.InRange(_platform.Registers.First(r => r.At >= back).At - back, TimeSpan.Zero, backoff.Cap);
        Assert.Contains(_platform.Registers, r => r.At - start > TimeSpan.FromMinutes(10) && r.At - start < TimeSpan.FromMinutes(30));
        Assert.Null(session.State.LastError);

        // success reset the backoff: the next failure waits the first step again
        _platform.OnRegister = _ => new PlatformAnswer(403, "Forbidden");
        _platform.OnMessage = _ => new PlatformAnswer(481, "Call Does Not Exist");
        await driver.StepAsync(); // keepalive → rejected → REGISTER → 403
        Assert.InRange(await driver.StepAsync(), backoff.Initial * 0.75, backoff.Initial);
        Assert.Equal(PlatformSession.StateFailed, session.State.State);
        Assert.Equal("403 Forbidden", session.State.LastError);
    }

    [Fact]
    public async Task Stop_unregisters_with_expires_zero()
    {
        var (session, _) = Start();
        await WaitUntil(() => session.IsRegistered);

        await session.StopAsync(TimeSpan.FromSeconds(2));

        Assert.Equal([3600, 0], _platform.Registers.Select(r => r.Expires));
        Assert.Equal(PlatformSession.StateDisabled, session.State.State);
    }

    [Fact]
    public void Backoff_doubles_to_the_cap_and_jitter_only_shortens()
    {
        var low = new PlatformBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), () => 0);
        var high = new PlatformBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), () => 1);

        Assert.Equal(TimeSpan.FromSeconds(2), high.Delay(1));
        Assert.Equal(TimeSpan.FromSeconds(4), high.Delay(2));
        Assert.Equal(TimeSpan.FromSeconds(256), high.Delay(8));
        Assert.Equal(TimeSpan.FromMinutes(5), high.Delay(9));
        Assert.Equal(TimeSpan.FromMinutes(5), high.Delay(1000));
        Assert.Equal(TimeSpan.FromSeconds(1.5), low.Delay(1));
        Assert.Equal(TimeSpan.FromMinutes(3.75), low.Delay(1000));
    }

    private (PlatformSession Session, ManualSessionDriver Driver) Start(PlatformBackoff? backoff = null)
    {
        var metrics = new UpperMetrics(() => []);
        _session = new PlatformSession(_options, _platform, _time, _store, _bus, metrics, NullLogger.Instance, backoff);
        var driver = new ManualSessionDriver(_session, _time);
        _session.Start();
        return (_session, driver);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition(), "condition not reached");
    }
}

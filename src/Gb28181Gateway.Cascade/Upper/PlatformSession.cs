using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// The gateway's registration to one platform, as one loop on its own task: REGISTER (backing off after
/// failures), then keepalives every <c>KeepaliveIntervalSeconds</c> and a refresh at 80 % of the granted
/// expiry until the platform is lost (refresh failed, a keepalive rejected, or <c>KeepaliveMaxMisses</c>
/// keepalives unanswered); then at once REGISTER again. Stopping ends the loop and unregisters.
/// </summary>
internal sealed class PlatformSession : IAsyncDisposable
{
    public const string StateDisabled = "Disabled";
    public const string StateRegistering = "Registering";
    public const string StateRegistered = "Registered";
    public const string StateLost = "Lost";
    public const string StateFailed = "Failed";

    private readonly PlatformOptions _options;
    private readonly IPlatformSignalling _signalling;
    private readonly TimeProvider _time;
    private readonly IStateStore _store;
    private readonly IGatewayEventBus _events;
    private readonly UpperMetrics _metrics;
    private readonly ILogger _logger;
    private readonly PlatformBackoff _backoff;
    private readonly CancellationTokenSource _stopping = new();
    private PlatformStateRecord _state;
    private long _registrationStartedTicks;
    private Task _loop = Task.CompletedTask;
    private long _sn;

    public PlatformSession(PlatformOptions options, IPlatformSignalling signalling, TimeProvider time, IStateStore store, IGatewayEventBus events,
        UpperMetrics metrics, ILogger logger, PlatformBackoff? backoff = null)
    {
        _options = options;
        _signalling = signalling;
        _time = time;
        _store = store;
        _events = events;
        _metrics = metrics;
        _logger = logger;
        _backoff = backoff ?? PlatformBackoff.Default;
        _state = new PlatformStateRecord { Name = options.Name, State = StateRegistering };
        _sn = time.GetUtcNow().ToUnixTimeSeconds() % 100_000 * 1000;
    }

    public PlatformOptions Options => _options;

    public PlatformStateRecord State => Volatile.Read(ref _state);

    /// <summary>
    /// When the current registration's first REGISTER was sent (not refreshes). Set before the REGISTER goes out, so a
    /// platform that queries right after its 200 (before <see cref="PlatformStateRecord.RegisteredAt"/> is stored)
    /// is already seen as a new registration.
    /// </summary>
    public DateTimeOffset? RegistrationStartedAt => _registrationStartedTicks == 0 ? null : new DateTimeOffset(Interlocked.Read(ref _registrationStartedTicks), TimeSpan.Zero);

    public bool IsRegistered => State.State == StateRegistered;

    /// <summary>Test hook: called with the length of every wait just after its timer was created.</summary>
    internal Action<TimeSpan>? Waiting { get; set; }

    /// <summary>The next SN for a message the gateway originates toward this platform.</summary>
    public long NextSn() => Interlocked.Increment(ref _sn);

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>Ends the loop; when registered, unregisters (Expires: 0) waiting at most <paramref name="bound"/> for the answer.</summary>
    public async Task StopAsync(TimeSpan bound)
    {
        var wasRegistered = IsRegistered;
        await _stopping.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (wasRegistered || IsRegistered)
        {
            using var timeout = new CancellationTokenSource(bound, _time);
            try
            {
                var answer = await _signalling.RegisterAsync(0, timeout.Token);
                UpperLog.Unregistered(_logger, _options.Name, answer);
            }
            catch (OperationCanceledException)
            {
                UpperLog.UnregisterFailed(_logger, _options.Name, $"no answer within {bound.TotalSeconds:0.#}s");
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                UpperLog.UnregisterFailed(_logger, _options.Name, ex.Message);
            }
        }

        await SetStateAsync(State with { State = StateDisabled, LastError = null }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await SetStateAsync(State with { State = StateRegistering }, cancellationToken);
                Interlocked.Exchange(ref _registrationStartedTicks, _time.GetUtcNow().UtcTicks);
                var answer = await _signalling.RegisterAsync(_options.Expires, cancellationToken);
                _metrics.Registration(_options.Name, answer.MetricResult);
                if (!answer.IsSuccess)
                {
                    failures++;
                    var delay = _backoff.Delay(failures);
                    UpperLog.RegisterFailed(_logger, _options.Name, answer.ToString(), delay);
                    await SetStateAsync(State with { State = StateFailed, LastError = answer.ToString() }, cancellationToken);
                    await WaitAsync(delay, cancellationToken);
                    continue;
                }

                failures = 0;
                var expires = Granted(answer);
                UpperLog.Registered(_logger, _options.Name, expires, answer.Date);
                var now = _time.GetUtcNow();
                await SetStateAsync(State with { State = StateRegistered, RegisteredAt = now, LastKeepaliveAt = null, LastError = null }, cancellationToken);
                _events.Publish(new PlatformRegisteredEvent(_options.Name) { Timestamp = now });
                var reason = await StayRegisteredAsync(expires, cancellationToken);
                UpperLog.Lost(_logger, _options.Name, reason);
                await SetStateAsync(State with { State = StateLost, LastError = reason }, cancellationToken);
                _events.Publish(new PlatformLostEvent(_options.Name, reason) { Timestamp = _time.GetUtcNow() });
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                UpperLog.LoopFailed(_logger, _options.Name, ex);
                failures++;
                await WaitAsync(_backoff.Delay(failures), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Keepalives and refreshes while registered; returns why the platform was lost.</summary>
    private async Task<string> StayRegisteredAsync(int expires, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, _options.KeepaliveIntervalSeconds));
        var maxMisses = Math.Max(1, _options.KeepaliveMaxMisses);
        var now = _time.GetUtcNow();
        var refreshAt = now + RefreshDelay(expires);
        var keepaliveAt = now + interval;
        var misses = 0;
        while (true)
        {
            var next = refreshAt < keepaliveAt ? refreshAt : keepaliveAt;
            var wait = next - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await WaitAsync(wait, cancellationToken);
            }

            now = _time.GetUtcNow();
            if (now >= refreshAt)
            {
                var answer = await _signalling.RegisterAsync(_options.Expires, cancellationToken);
                _metrics.Registration(_options.Name, answer.MetricResult);
                if (!answer.IsSuccess)
                {
                    return "refresh failed: " + answer;
                }

                expires = Granted(answer);
                UpperLog.Refreshed(_logger, _options.Name, expires);
                refreshAt = _time.GetUtcNow() + RefreshDelay(expires);
                continue;
            }

            var keepalive = await _signalling.SendMessageAsync(KeepaliveBody(), cancellationToken);
            keepaliveAt = _time.GetUtcNow() + interval;
            if (keepalive.IsSuccess)
            {
                misses = 0;
                await SetStateAsync(State with { LastKeepaliveAt = _time.GetUtcNow() }, cancellationToken);
                continue;
            }

            if (!keepalive.IsNoAnswer)
            {
                return "keepalive rejected: " + keepalive; // the platform no longer knows us (restarted)
            }

            misses++;
            _metrics.KeepaliveMiss(_options.Name);
            UpperLog.KeepaliveMissed(_logger, _options.Name, keepalive, misses, maxMisses);
            if (misses >= maxMisses)
            {
                return $"{misses} keepalives unanswered";
            }
        }
    }

    private int Granted(PlatformAnswer answer) => answer.Expires is > 0 and var e ? e : _options.Expires;

    /// <summary>80 % of the expiry, and at least a second.</summary>
    internal static TimeSpan RefreshDelay(int expires) => TimeSpan.FromSeconds(Math.Max(1, expires * 0.8));

    private byte[] KeepaliveBody() =>
        ManscdpCodec.Encode(new KeepaliveNotify { Sn = NextSn(), DeviceId = _options.DeviceId, Status = "OK" }, PlatformCharset.Of(_options));

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var wait = Task.Delay(delay, _time, cancellationToken);
        Waiting?.Invoke(delay);
        await wait;
    }

    private async Task SetStateAsync(PlatformStateRecord state, CancellationToken cancellationToken)
    {
        if (state == State)
        {
            return;
        }

        Volatile.Write(ref _state, state);
        await _store.SavePlatformAsync(state, cancellationToken);
    }
}

/// <summary>A platform's configured <c>CharacterSet</c> as a <see cref="GbCharset"/>.</summary>
internal static class PlatformCharset
{
    public static GbCharset Of(PlatformOptions options) => options.CharacterSet.Trim().ToUpperInvariant() switch
    {
        "GB18030" => GbCharset.Gb18030,
        "UTF-8" or "UTF8" => GbCharset.Utf8,
        _ => GbCharset.Gb2312,
    };
}

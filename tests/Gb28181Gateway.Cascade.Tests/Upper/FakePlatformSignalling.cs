using System.Threading.Channels;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>A platform whose answers a test scripts by the (manual) time of each request.</summary>
internal sealed class FakePlatformSignalling(ManualTimeProvider time) : IPlatformSignalling
{
    public Func<int, PlatformAnswer> OnRegister { get; set; } = _ => new PlatformAnswer(200, "OK", null, "2026-11-21T20:00:00.000");

    public Func<byte[], PlatformAnswer> OnMessage { get; set; } = _ => new PlatformAnswer(200, "OK");

    public List<(DateTimeOffset At, int Expires)> Registers { get; } = [];

    public List<(DateTimeOffset At, byte[] Body)> Messages { get; } = [];

    public Task<PlatformAnswer> RegisterAsync(int expires, CancellationToken cancellationToken)
    {
        lock (Registers)
        {
            Registers.Add((time.GetUtcNow(), expires));
        }

        return Task.FromResult(OnRegister(expires));
    }

    public Task<PlatformAnswer> SendMessageAsync(byte[] body, CancellationToken cancellationToken)
    {
        lock (Messages)
        {
            Messages.Add((time.GetUtcNow(), body));
        }

        return Task.FromResult(OnMessage(body));
    }
}

/// <summary>Drives a <see cref="PlatformSession"/> on a manual clock: each wait it starts is reported, then the clock is moved over it.</summary>
internal sealed class ManualSessionDriver
{
    private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();
    private readonly ManualTimeProvider _time;

    public ManualSessionDriver(PlatformSession session, ManualTimeProvider time)
    {
        _time = time;
        session.Waiting = d => _waits.Writer.TryWrite(d);
    }

    public List<TimeSpan> Waits { get; } = [];

    /// <summary>Waits (in real time, generously) until the session parks on a timer, then fires it.</summary>
    public async Task<TimeSpan> StepAsync()
    {
        var wait = await _waits.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Waits.Add(wait);
        _time.Advance(wait);
        return wait;
    }

    /// <summary>Steps until the manual clock has moved <paramref name="span"/> past <paramref name="start"/>.</summary>
    public async Task RunUntilAsync(DateTimeOffset start, TimeSpan span)
    {
        while (_time.GetUtcNow() - start < span)
        {
            await StepAsync();
        }
    }
}

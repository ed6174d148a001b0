using System.Globalization;

namespace Gb28181Gateway.Simulator.Devices;

/// <summary>Counters of a device farm, updated lock-free from every device; read for the status line and the summary.</summary>
internal sealed class FarmStatistics
{
    private long _registered;
    private long _registrationsOk;
    private long _registrationsFailed;
    private long _keepalivesSent;
    private long _keepalivesOk;
    private long _keepalivesFailed;
    private long _queriesAnswered;
    private long _answerFailures;
    private long _controls;
    private long _invites;
    private long _activeStreams;
    private long _rtpPackets;
    private long _rtpBytes;

    public long Registered => Interlocked.Read(ref _registered);

    public long RegistrationsOk => Interlocked.Read(ref _registrationsOk);

    public long RegistrationsFailed => Interlocked.Read(ref _registrationsFailed);

    public long KeepalivesSent => Interlocked.Read(ref _keepalivesSent);

    public long KeepalivesOk => Interlocked.Read(ref _keepalivesOk);

    public long KeepalivesFailed => Interlocked.Read(ref _keepalivesFailed);

    public long QueriesAnswered => Interlocked.Read(ref _queriesAnswered);

    public long AnswerFailures => Interlocked.Read(ref _answerFailures);

    public long Controls => Interlocked.Read(ref _controls);

    public long Invites => Interlocked.Read(ref _invites);

    public long ActiveStreams => Interlocked.Read(ref _activeStreams);

    public long RtpPackets => Interlocked.Read(ref _rtpPackets);

    public long RtpBytes => Interlocked.Read(ref _rtpBytes);

    /// <summary>When the last device of the first wave registered (elapsed since start), or null.</summary>
    public TimeSpan? AllRegisteredAfter { get; set; }

    public void RegistrationSucceeded(bool wasRegistered)
    {
        Interlocked.Increment(ref _registrationsOk);
        if (!wasRegistered)
        {
            Interlocked.Increment(ref _registered);
        }
    }

    public void RegistrationFailed() => Interlocked.Increment(ref _registrationsFailed);

    public void Unregistered() => Interlocked.Decrement(ref _registered);

    public void KeepaliveSent() => Interlocked.Increment(ref _keepalivesSent);

    public void KeepaliveAnswered(bool ok) => Interlocked.Increment(ref ok ? ref _keepalivesOk : ref _keepalivesFailed);

    public void QueryAnswered(bool ok) => Interlocked.Increment(ref ok ? ref _queriesAnswered : ref _answerFailures);

    public void ControlReceived() => Interlocked.Increment(ref _controls);

    public void InviteReceived() => Interlocked.Increment(ref _invites);

    public void StreamStarted() => Interlocked.Increment(ref _activeStreams);

    public void StreamEnded(long packets, long bytes)
    {
        Interlocked.Decrement(ref _activeStreams);
        Interlocked.Add(ref _rtpPackets, packets);
        Interlocked.Add(ref _rtpBytes, bytes);
    }

    public string StatusLine(int total, TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture,
        $"[{elapsed.TotalSeconds,7:F1}s] registered {Registered}/{total} (ok {RegistrationsOk}, failed {RegistrationsFailed}) | keepalive sent {KeepalivesSent} ok {KeepalivesOk} failed {KeepalivesFailed} | answers {QueriesAnswered} (failed {AnswerFailures}) controls {Controls} | invites {Invites} streams {ActiveStreams}");

    public string Summary(int total, TimeSpan elapsed)
    {
        var all = AllRegisteredAfter is { } t
            ? string.Create(CultureInfo.InvariantCulture, $"all {total} registered after {t.TotalSeconds:F2} s ({total / Math.Max(t.TotalSeconds, 1e-3):F0} registrations/s)")
            : $"not all registered ({Registered}/{total})";
        return string.Create(CultureInfo.InvariantCulture,
            $"summary: {elapsed.TotalSeconds:F1} s, {all}; registrations ok {RegistrationsOk} failed {RegistrationsFailed}; keepalives sent {KeepalivesSent} ok {KeepalivesOk} failed {KeepalivesFailed}; answers {QueriesAnswered} failed {AnswerFailures}; controls {Controls}; invites {Invites}; RTP {RtpPackets} packets {RtpBytes} bytes");
    }
}

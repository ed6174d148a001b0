using System.Text;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Sip.Tests.Transactions;

/// <summary>
/// A transport with no sockets, for the timer tests only: what the stack sends is recorded with the
/// (manual) time it was sent and where it went, and test messages are delivered as if received.
/// </summary>
internal sealed class InMemoryTransport : ISipTransport
{
    private readonly Lock _gate = new();
    private readonly List<SentMessage> _sent = [];
    private readonly SemaphoreSlim _signal = new(0);
    private ISipMessageReceiver? _receiver;

    public InMemoryTransport(ManualTimeProvider time)
    {
        Time = time;
    }

    public ManualTimeProvider Time { get; }

    public SipHostPort LocalAddress { get; set; } = new("192.0.2.1", 5060);

    /// <summary>When set, every send fails with this message (a refused TCP connection, say).</summary>
    public string? FailSends { get; set; }

    public IReadOnlyList<SentMessage> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public void Attach(ISipMessageReceiver receiver) => _receiver = receiver;

    public ValueTask SendAsync(SipOutboundMessage message, SipEndPoint target, CancellationToken cancellationToken = default) =>
        Record(message, target);

    public ValueTask SendResponseAsync(SipOutboundMessage response, SipEndPoint requestSource, CancellationToken cancellationToken = default) =>
        Record(response, SipViaProcessing.ResolveResponseTarget(response.TopVia!, requestSource, out _));

    public SipHostPort GetLocalAddress(SipEndPoint target) => LocalAddress;

    /// <summary>Delivers <paramref name="text"/> (LF line ends become CRLF) as received from <paramref name="source"/>.</summary>
    public SipMessage Deliver(string text, SipEndPoint source)
    {
        var message = Parse(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n")));
        if (message is SipRequest request)
        {
            SipViaProcessing.StampReceived(request, source.Address);
            _receiver!.OnRequest(request, source);
        }
        else
        {
            _receiver!.OnResponse((SipResponse)message, source);
        }

        return message;
    }

    /// <summary>Waits (10 s at most) until a sent message matches; messages from handlers are sent on the thread pool.</summary>
    public async Task<SentMessage> WaitForAsync(Func<SentMessage, bool> match, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var found = Sent.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _signal.WaitAsync(left))
            {
                throw new TimeoutException($"not sent within 10 s: {what}. Sent:\n{string.Join("\n", Sent.Select(s => s.FirstLine))}");
            }
        }
    }

    public SentMessage[] SentResponses(int status) => [.. Sent.Where(s => s.Message is SipResponse r && r.StatusCode == status)];

    public SentMessage[] SentRequests(string method) => [.. Sent.Where(s => s.Message is SipRequest r && r.Method == method)];

    public void Clear()
    {
        lock (_gate)
        {
            _sent.Clear();
        }
    }

    private static SipMessage Parse(byte[] bytes)
    {
        var result = SipMessageParser.Parse(bytes);
        Assert.True(result.Success, result.Error);
        return result.Message!;
    }

    private ValueTask Record(SipOutboundMessage message, SipEndPoint target)
    {
        if (FailSends is { } error)
        {
            return ValueTask.FromException(new SipTransportException(error));
        }

        var bytes = message.Bytes.ToArray();
        lock (_gate)
        {
            _sent.Add(new SentMessage(Parse(bytes), bytes, target, Time.GetUtcNow()));
        }

        _signal.Release();
        return ValueTask.CompletedTask;
    }
}

/// <summary>One message the stack sent: reparsed from its bytes, the bytes, where to, and when (manual clock).</summary>
internal sealed record SentMessage(SipMessage Message, byte[] Bytes, SipEndPoint Target, DateTimeOffset At)
{
    public string FirstLine => Encoding.UTF8.GetString(Bytes).Split("\r\n")[0];

    public SipRequest Request => (SipRequest)Message;

    public SipResponse Response => (SipResponse)Message;
}

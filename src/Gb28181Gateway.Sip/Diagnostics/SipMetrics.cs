using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Diagnostics;

/// <summary>
/// The SIP layer's instruments on the <c>Gb28181Gateway.Sip</c> meter. One instance per meter factory (or a
/// process-wide default), shared by every transport and user agent, so the TCP connection gauge is the sum
/// over all local endpoints.
/// </summary>
internal sealed class SipMetrics
{
    public const string MeterName = "Gb28181Gateway.Sip";

    private static readonly ConditionalWeakTable<IMeterFactory, SipMetrics> PerFactory = [];
    private static readonly Lazy<SipMetrics> LazyDefault = new(() => new SipMetrics(new Meter(MeterName)));
    private static readonly string[] StatusTexts = CreateStatusTexts();

    private readonly Counter<long> _messages;
    private readonly Histogram<double> _transactionDuration;
    private readonly Counter<long> _retransmissions;
    private readonly Counter<long> _parseErrors;
    private long _tcpConnections;

    private SipMetrics(Meter meter)
    {
        Meter = meter;
        _messages = meter.CreateCounter<long>("gb28181_sip_messages", description: "SIP messages sent and received, retransmissions included");
        _transactionDuration = meter.CreateHistogram<double>(
            "gb28181_sip_transaction_duration_seconds",
            unit: "s",
            description: "Client transactions: request sent to final response (timeouts and transport errors included)");
        _retransmissions = meter.CreateCounter<long>("gb28181_sip_retransmissions", description: "Requests and responses sent again (timers and absorbed duplicates)");
        _parseErrors = meter.CreateCounter<long>("gb28181_sip_parse_errors", description: "Received messages that could not be parsed or framed");
        meter.CreateObservableGauge("gb28181_sip_tcp_connections", () => Interlocked.Read(ref _tcpConnections), description: "Open SIP TCP connections");
    }

    public static SipMetrics Default => LazyDefault.Value;

    public Meter Meter { get; }

    public static SipMetrics For(IMeterFactory? factory) =>
        factory is null ? Default : PerFactory.GetValue(factory, f => new SipMetrics(f.Create(new MeterOptions(MeterName))));

    public void MessageReceived(SipMessage message) => CountMessage("in", message);

    /// <summary>A message sent: its method (a response's CSeq method) and status code, 0 for a request.</summary>
    public void MessageSent(string method, int statusCode) => CountMessage("out", method, statusCode);

    public void Retransmitted(string method) =>
        _retransmissions.Add(1, new KeyValuePair<string, object?>("method", MethodTag(method)));

    public void TransactionCompleted(string method, TimeSpan duration) =>
        _transactionDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("method", MethodTag(method)));

    /// <summary><paramref name="kind"/>: request, response or framing.</summary>
    public void ParseError(string kind) => _parseErrors.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void TcpConnectionOpened() => Interlocked.Increment(ref _tcpConnections);

    public void TcpConnectionClosed() => Interlocked.Decrement(ref _tcpConnections);

    /// <summary>Known methods keep their name; anything else is "OTHER", so a peer cannot grow the label set.</summary>
    internal static string MethodTag(string method) => method switch
    {
        SipMethod.Invite or SipMethod.Ack or SipMethod.Bye or SipMethod.Cancel or SipMethod.Register or SipMethod.Options
            or SipMethod.Info or SipMethod.Message or SipMethod.Subscribe or SipMethod.Notify or SipMethod.Update
            or SipMethod.Prack or SipMethod.Refer or SipMethod.Publish => method,
        _ => "OTHER",
    };

    private void CountMessage(string direction, SipMessage message)
    {
        if (message is SipResponse response)
        {
            CountMessage(direction, response.CSeq.Method, response.StatusCode);
        }
        else
        {
            CountMessage(direction, ((SipRequest)message).Method, 0);
        }
    }

    private void CountMessage(string direction, string method, int statusCode) =>
        _messages.Add(
            1,
            new KeyValuePair<string, object?>("direction", direction),
            new KeyValuePair<string, object?>("method", MethodTag(method)),
            new KeyValuePair<string, object?>("status", statusCode == 0 ? string.Empty : StatusTexts[statusCode]));

    private static string[] CreateStatusTexts()
    {
        var texts = new string[700];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = i.ToString(CultureInfo.InvariantCulture);
        }

        return texts;
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Sip.Auth;

namespace Gb28181Gateway.Benchmarks.Lower;

/// <summary>
/// A blocking, single-threaded UDP camera for <see cref="RegistrationAlloc"/>: per device REGISTER (401), REGISTER
/// with digest (200), answers the gateway's DeviceInfo and Catalog queries (2 channels, one MESSAGE) and sends one
/// keepalive. Its own allocations are measured on its thread and subtracted from the process total per phase.
/// </summary>
internal sealed class RegistrationAllocDevice : IDisposable
{
    public static readonly string[] PhaseNames =
    [
        "REGISTER -> 401",
        "REGISTER (digest) -> 200, DeviceInfo query",
        "DeviceInfo answer, Catalog query",
        "Catalog answer (2 channels), sync ended",
        "Keepalive -> 200",
    ];

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _gateway;
    private readonly DeviceDirectory _directory;
    private readonly byte[] _buffer = new byte[65536];
    private readonly List<string> _pending = [];
    private readonly string _local;
    private readonly bool _sharedChannelIds;
    private int _sequence;

    /// <param name="sharedChannelIds">Every device lists the same two channel IDs (factory defaults), instead of its own.</param>
    public RegistrationAllocDevice(IPEndPoint gateway, DeviceDirectory directory, bool sharedChannelIds)
    {
        _sharedChannelIds = sharedChannelIds;
        _gateway = gateway;
        _directory = directory;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.ReceiveTimeout = 10_000;
        _local = "127.0.0.1:" + ((IPEndPoint)_socket.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Brings devices [first, first + count) online one after the other; the gateway's bytes per phase, summed.</summary>
    public long[] Run(int first, int count)
    {
        var totals = new long[PhaseNames.Length];
        for (var i = first; i < first + count; i++)
        {
            var id = "3402000000132" + i.ToString("D7", CultureInfo.InvariantCulture);
            var phase = 0;
            var (total, own) = Mark();

            void EndPhase()
            {
                var (t, o) = Mark();
                totals[phase++] += (t - total) - (o - own);
                (total, own) = Mark();
            }

            var callId = "reg-" + id;
            var unauthorized = Exchange(Register(id, callId, 1, null), r => r.StartsWith("SIP/2.0 401", StringComparison.Ordinal));
            var nonce = Quoted(unauthorized, "nonce=\"");
            EndPhase();

            Exchange(Register(id, callId, 2, nonce), r => r.StartsWith("SIP/2.0 200", StringComparison.Ordinal) && r.Contains("REGISTER", StringComparison.Ordinal));
            var deviceInfo = Next(r => r.StartsWith("MESSAGE ", StringComparison.Ordinal) && r.Contains("<CmdType>DeviceInfo<", StringComparison.Ordinal));
            EndPhase();

            Send(Ok(deviceInfo));
            Exchange(Message(id, Answer(id, Sn(deviceInfo), "DeviceInfo",
                "<Result>OK</Result>\r\n<DeviceName>IP CAMERA</DeviceName>\r\n<Manufacturer>Hikvision</Manufacturer>\r\n<Model>DS-2CD5024EFWD</Model>\r\n<Firmware>V5.5.85</Firmware>\r\n<Channel>2</Channel>\r\n")),
                r => r.StartsWith("SIP/2.0 200", StringComparison.Ordinal));
            var catalog = Next(r => r.StartsWith("MESSAGE ", StringComparison.Ordinal) && r.Contains("<CmdType>Catalog<", StringComparison.Ordinal));
            EndPhase();

            Send(Ok(catalog));
            Exchange(Message(id, Answer(id, Sn(catalog), "Catalog", "<SumNum>2</SumNum>\r\n<DeviceList Num=\"2\">\r\n" + Item(id, 1) + Item(id, 2) + "</DeviceList>\r\n", "Response")),
                r => r.StartsWith("SIP/2.0 200", StringComparison.Ordinal));
            _directory.TryGet(id, out var entry);
            var spin = default(SpinWait);
            while (entry!.Record.CatalogUpdatedAt is null || entry.Synchronizing)
            {
                spin.SpinOnce();
            }

            EndPhase();

            Exchange(Message(id, Answer(id, 1, "Keepalive", "<Status>OK</Status>\r\n", "Notify")), r => r.StartsWith("SIP/2.0 200", StringComparison.Ordinal));
            EndPhase();
            if (_pending.Count > 0)
            {
                throw new InvalidOperationException("unexpected from the gateway: " + _pending[0]);
            }
        }

        return totals;
    }

    public void Dispose() => _socket.Dispose();

    private static (long Total, long Own) Mark() => (GC.GetTotalAllocatedBytes(precise: true), GC.GetAllocatedBytesForCurrentThread());

    private string Exchange(string request, Func<string, bool> answer)
    {
        Send(request);
        return Next(answer);
    }

    private void Send(string message) => _socket.SendTo(Encoding.ASCII.GetBytes(message), _gateway);

    private string Next(Func<string, bool> match)
    {
        var index = _pending.FindIndex(m => match(m));
        if (index >= 0)
        {
            var found = _pending[index];
            _pending.RemoveAt(index);
            return found;
        }

        while (true)
        {
            var n = _socket.Receive(_buffer);
            var message = Encoding.ASCII.GetString(_buffer, 0, n);
            if (match(message))
            {
                return message;
            }

            _pending.Add(message);
        }
    }

    private string Register(string id, string callId, int cseq, string? nonce)
    {
        var uri = $"sip:{RegistrationAlloc.ServerId}@{RegistrationAlloc.Domain}";
        var sb = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"REGISTER {uri} SIP/2.0\r\n")
            .Append(CultureInfo.InvariantCulture, $"Via: SIP/2.0/UDP {_local};rport;branch=z9hG4bK{++_sequence}\r\n")
            .Append(CultureInfo.InvariantCulture, $"From: <sip:{id}@{RegistrationAlloc.Domain}>;tag=f{id}\r\n")
            .Append(CultureInfo.InvariantCulture, $"To: <sip:{id}@{RegistrationAlloc.Domain}>\r\n")
            .Append(CultureInfo.InvariantCulture, $"Call-ID: {callId}\r\n")
            .Append(CultureInfo.InvariantCulture, $"CSeq: {cseq} REGISTER\r\n")
            .Append(CultureInfo.InvariantCulture, $"Contact: <sip:{id}@{_local}>\r\n");
        if (nonce is not null)
        {
            var response = DigestCalculator.Response(id, RegistrationAlloc.Domain, RegistrationAlloc.Password, "REGISTER", uri, nonce);
            sb.Append(CultureInfo.InvariantCulture,
                $"Authorization: Digest username=\"{id}\", realm=\"{RegistrationAlloc.Domain}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm=MD5\r\n");
        }

        return sb.Append("Max-Forwards: 70\r\nUser-Agent: IP Camera\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n").ToString();
    }

    private string Message(string id, string body) =>
        $"MESSAGE sip:{RegistrationAlloc.ServerId}@{RegistrationAlloc.Domain} SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP {_local};rport;branch=z9hG4bK{++_sequence}\r\n" +
        $"From: <sip:{id}@{RegistrationAlloc.Domain}>;tag=m{_sequence}\r\n" +
        $"To: <sip:{RegistrationAlloc.ServerId}@{RegistrationAlloc.Domain}>\r\n" +
        $"Call-ID: msg-{_sequence}-{id}\r\n" +
        "CSeq: 20 MESSAGE\r\nContent-Type: Application/MANSCDP+xml\r\nMax-Forwards: 70\r\nUser-Agent: IP Camera\r\n" +
        $"Content-Length: {Encoding.ASCII.GetByteCount(body)}\r\n\r\n{body}";

    private static string Answer(string id, long sn, string cmdType, string rest, string root = "Response") =>
        $"<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<{root}>\r\n<CmdType>{cmdType}</CmdType>\r\n<SN>{sn}</SN>\r\n<DeviceID>{id}</DeviceID>\r\n{rest}</{root}>\r\n";

    /// <summary>The device's own channel IDs, or the same two for every device.</summary>
    private string ChannelId(string id, int channel) =>
        _sharedChannelIds ? "3402000000131000000" + channel : "340200000" + channel + "131" + id[13..];

    private string Item(string id, int channel) =>
        $"<Item>\r\n<DeviceID>{ChannelId(id, channel)}</DeviceID>\r\n<Name>Camera {channel}</Name>\r\n<Manufacturer>Hikvision</Manufacturer>\r\n" +
        "<Model>IP Camera</Model>\r\n<Owner>Owner</Owner>\r\n<CivilCode>3402000000</CivilCode>\r\n<Address>Address</Address>\r\n<Parental>0</Parental>\r\n" +
        $"<ParentID>{id}</ParentID>\r\n<SafetyWay>0</SafetyWay>\r\n<RegisterWay>1</RegisterWay>\r\n<Secrecy>0</Secrecy>\r\n<Status>ON</Status>\r\n</Item>\r\n";

    /// <summary>200 OK to a request from the gateway: its Via, From, To (with a tag), Call-ID and CSeq.</summary>
    private static string Ok(string request)
    {
        var sb = new StringBuilder("SIP/2.0 200 OK\r\n");
        foreach (var line in request[..request.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n"))
        {
            if (line.StartsWith("Via:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("From:", StringComparison.OrdinalIgnoreCase)
                || line.StartsWith("Call-ID:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase))
            {
                sb.Append(line).Append("\r\n");
            }
            else if (line.StartsWith("To:", StringComparison.OrdinalIgnoreCase))
            {
                sb.Append(line).Append(";tag=ok\r\n");
            }
        }

        return sb.Append("Content-Length: 0\r\n\r\n").ToString();
    }

    private static long Sn(string message) => long.Parse(Quoted(message, "<SN>", '<'), CultureInfo.InvariantCulture);

    private static string Quoted(string text, string start, char end = '"')
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[from..text.IndexOf(end, from)];
    }
}

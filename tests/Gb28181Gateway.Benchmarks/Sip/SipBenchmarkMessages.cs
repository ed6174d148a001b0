using System.Text;

namespace Gb28181Gateway.Benchmarks.Sip;

/// <summary>The benchmark inputs, built from the captures in tests/vectors/sip (see tests/vectors/README.md).</summary>
internal static class SipBenchmarkMessages
{
    public const int StreamMessages = 16;

    /// <summary>tests/vectors/sip/004-03-register.sip: a Hikvision REGISTER answering a 401, with opaque.</summary>
    public static readonly byte[] Register = Encoding.ASCII.GetBytes(
        "REGISTER sip:130909115229300920@10.64.49.44:7100 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 10.64.49.218:7100;rport;branch=z9hG4bK3997518011\r\n" +
        "From: <sip:130909113319427420@10.64.49.218:7100>;tag=382068091\r\n" +
        "To: <sip:130909113319427420@10.64.49.218:7100>\r\n" +
        "Call-ID: 143225205\r\n" +
        "CSeq: 2 REGISTER\r\n" +
        "Contact: <sip:130909113319427420@10.64.49.218:7100>\r\n" +
        "Authorization: Digest username=\"admin\", realm=\"hik\", nonce=\"a8afe6fcbee6331d89d3eb0d3d19ce39\", " +
        "uri=\"sip:130909115229300920@10.64.49.44:7100\", response=\"907ddb1bcc25174d7de4a96c947fb066\", " +
        "algorithm=MD5, opaque=\"a853e4f25298413f9bf3a9aa6767857d\"\r\n" +
        "Max-Forwards: 70\r\n" +
        "User-Agent: Hikvision\r\n" +
        "Expires: 7200\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n");

    /// <summary>tests/vectors/sip/000-09-message-response-catalog.sip (Dahua Catalog response), body grown to 1 KB.</summary>
    public static readonly byte[] Message1K = BuildMessage1K();

    /// <summary><see cref="StreamMessages"/> messages, alternating the two above, with CRLF keep-alives between.</summary>
    public static readonly byte[] Stream = BuildStream();

    private static byte[] BuildMessage1K()
    {
        const string Body =
            "<?xml version=\"1.0\" encoding=\"GB2312\" ?>\r\n" +
            "<Response>\r\n" +
            "<CmdType>Catalog</CmdType>\r\n" +
            "<SN>7</SN>\r\n" +
            "<DeviceID>34020000001320000002</DeviceID>\r\n" +
            "<SumNum>1</SumNum>\r\n" +
            "<DeviceList Num=\"1\">\r\n" +
            "<Item>\r\n" +
            "<DeviceID>34020000001310000001</DeviceID>\r\n" +
            "<Name>DH71</Name>\r\n" +
            "<Manufacturer>Dahua</Manufacturer>\r\n" +
            "<Model>DH-SD-6C3230UE-HN</Model>\r\n" +
            "<Owner>0</Owner>\r\n" +
            "<CivilCode>340200</CivilCode>\r\n" +
            "<Address>axy</Address>\r\n" +
            "<Parental>0</Parental>\r\n" +
            "<ParentID>34020000001320000002</ParentID>\r\n" +
            "<RegisterWay>1</RegisterWay>\r\n" +
            "<Secrecy>0</Secrecy>\r\n" +
            "<StreamNum>2</StreamNum>\r\n" +
            "<IPAddress>192.168.6.71</IPAddress>\r\n" +
            "<Port>5060</Port>\r\n" +
            "<Status>ON</Status>\r\n" +
            "<Longitude>117.2272000</Longitude>\r\n" +
            "<Latitude>31.8206000</Latitude>\r\n" +
            "<Info>\r\n" +
            "<PTZType>3</PTZType>\r\n" +
            "<PositionType>1</PositionType>\r\n" +
            "<RoomType>1</RoomType>\r\n" +
            "<UseType>1</UseType>\r\n" +
            "<SupplyLightType>1</SupplyLightType>\r\n" +
            "<DirectionType>1</DirectionType>\r\n" +
            "<Resolution>6/4/3</Resolution>\r\n" +
            "<BusinessGroupID>34020000002150000001</BusinessGroupID>\r\n" +
            "<DownloadSpeed>1/2/4/8</DownloadSpeed>\r\n" +
            "<SVCSpaceSupportMode>0</SVCSpaceSupportMode>\r\n" +
            "<SVCTimeSupportMode>0</SVCTimeSupportMode>\r\n" +
            "</Info>\r\n" +
            "</Item>\r\n" +
            "</DeviceList>\r\n" +
            "</Response>\r\n";
        var body = Body.PadRight(1024 - 2, ' ') + "\r\n";
        var head =
            "MESSAGE sip:34020000002000000010@192.168.6.106:5062 SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 192.168.6.71:5060;rport;branch=z9hG4bK1121513722\r\n" +
            "From: <sip:34020000001320000002@192.168.6.71:5060>;tag=616675198\r\n" +
            "To: <sip:34020000002000000010@192.168.6.106:5062>\r\n" +
            "Call-ID: 140588148@192.168.6.71\r\n" +
            "CSeq: 20 MESSAGE\r\n" +
            "Max-Forwards: 70\r\n" +
            "User-Agent: SIP UAS V3.0.0.675168\r\n" +
            "Content-Type: Application/MANSCDP+xml\r\n" +
            $"Content-Length: {Encoding.ASCII.GetByteCount(body)}\r\n" +
            "\r\n";
        return Encoding.ASCII.GetBytes(head + body);
    }

    private static byte[] BuildStream()
    {
        var stream = new List<byte>();
        for (var i = 0; i < StreamMessages; i++)
        {
            stream.AddRange(i % 2 == 0 ? Register : Message1K);
            stream.AddRange("\r\n\r\n"u8.ToArray());
        }

        return [.. stream];
    }
}

using System.Text;
using BenchmarkDotNet.Attributes;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;

namespace Gb28181Gateway.Benchmarks.Protocol;

/// <summary>
/// Peek (routing header only) against full parse, for the most frequent body (a Keepalive) and a 4-item
/// GB2312 Catalog response shaped like a Dahua/Hikvision NVR's; plus encoding that Catalog.
/// </summary>
[MemoryDiagnoser]
public class ManscdpBenchmarks
{
    private const string KeepaliveXml =
        "<?xml version=\"1.0\" encoding=\"GB2312\"?>\n<Notify>\n<CmdType>Keepalive</CmdType>\n<SN>539</SN>\n"
        + "<DeviceID>34020000001320000002</DeviceID>\n<Status>OK</Status>\n<Info>\n</Info>\n</Notify>\n";

    private byte[] _keepalive = [];
    private byte[] _catalog = [];
    private CatalogResponse _catalogModel = null!;

    [GlobalSetup]
    public void Setup()
    {
        _keepalive = Encoding.ASCII.GetBytes(KeepaliveXml);
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"GB2312\"?>\n<Response>\n<CmdType>Catalog</CmdType>\n<SN>17</SN>\n")
            .Append("<DeviceID>34020000001180000001</DeviceID>\n<SumNum>4</SumNum>\n<DeviceList Num=\"4\">\n");
        for (var i = 1; i <= 4; i++)
        {
            xml.Append("<Item>\n<DeviceID>3402000000131000000").Append(i).Append("</DeviceID>\n<Name>西门入口摄像机").Append(i).Append("</Name>\n")
                .Append("<Manufacturer>Dahua</Manufacturer>\n<Model>DH-IPC-HFW</Model>\n<Owner>0</Owner>\n<CivilCode>340200</CivilCode>\n")
                .Append("<Address>axy</Address>\n<Parental>0</Parental>\n<ParentID>34020000001180000001</ParentID>\n<SafetyWay>0</SafetyWay>\n")
                .Append("<RegisterWay>1</RegisterWay>\n<Secrecy>0</Secrecy>\n<Status>ON</Status>\n<Longitude>0.0</Longitude>\n<Latitude>0.0</Latitude>\n")
                .Append("<Info>\n<PTZType>1</PTZType>\n<Resolution>6/4</Resolution>\n<DownloadSpeed>1/2/4/8</DownloadSpeed>\n</Info>\n<StreamNum>2</StreamNum>\n</Item>\n");
        }

        xml.Append("</DeviceList>\n</Response>\n");
        _catalog = GbEncodings.ForXml(GbCharset.Gb2312).GetBytes(xml.ToString());
        _catalogModel = (CatalogResponse)ManscdpCodec.Parse(_catalog);
    }

    [Benchmark(Baseline = true)]
    public ManscdpHeader PeekKeepalive() => ManscdpCodec.Peek(_keepalive);

    [Benchmark]
    public ManscdpMessage ParseKeepalive() => ManscdpCodec.Parse(_keepalive);

    [Benchmark]
    public ManscdpHeader PeekCatalog4() => ManscdpCodec.Peek(_catalog);

    [Benchmark]
    public ManscdpMessage ParseCatalog4() => ManscdpCodec.Parse(_catalog);

    [Benchmark]
    public byte[] EncodeCatalog4() => ManscdpCodec.Encode(_catalogModel, GbCharset.Gb2312);
}

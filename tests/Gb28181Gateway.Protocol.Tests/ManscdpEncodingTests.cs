using System.Text;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;

namespace Gb28181Gateway.Protocol.Tests;

/// <summary>Charsets: decoding by the declaration with fallback (devices lie both ways), and encoding to match the declaration.</summary>
public sealed class ManscdpEncodingTests
{
    // Real channel names: common characters, a rare one (GBK-only), and one outside GBK (GB18030 four-byte).
    private const string CommonName = "西门入口摄像机";
    private const string GbkOnlyName = "珺璟大厦北门";
    private const string FourByteName = "𠀀号楼㐀层";

    private static byte[] CatalogBody(string declaration, string name, Encoding encoding)
    {
        var xml = declaration +
            "<Response>\r\n<CmdType>Catalog</CmdType>\r\n<SN>17</SN>\r\n<DeviceID>34020000001320000001</DeviceID>\r\n<SumNum>1</SumNum>\r\n" +
            "<DeviceList Num=\"1\">\r\n<Item>\r\n<DeviceID>34020000001310000001</DeviceID>\r\n<Name>" + name + "</Name>\r\n" +
            "<Status>ON</Status>\r\n</Item>\r\n</DeviceList>\r\n</Response>\r\n";
        return encoding.GetBytes(xml);
    }

    private static string NameOf(byte[] body) => Assert.Single(Assert.IsType<CatalogResponse>(ManscdpCodec.Parse(body)).Items).Name!;

    [Theory]
    [InlineData(CommonName)]
    [InlineData(GbkOnlyName)]
    [InlineData(FourByteName)]
    public void Declared_utf8_but_sent_gb18030_is_read_as_gb18030(string name)
    {
        var body = CatalogBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n", name, GbEncodings.Gb18030);
        Assert.False(System.Text.Unicode.Utf8.IsValid(body));
        Assert.Equal(name, NameOf(body));
        var detection = GbText.DetectXml(body);
        Assert.Equal((GbCharset.Utf8, GbCharset.Gb18030, true, false), (detection.Declared, detection.Actual, detection.DeclarationWasWrong, detection.IsLossy));
    }

    [Theory]
    [InlineData(CommonName, "GB2312")]
    [InlineData(GbkOnlyName, "GBK")]
    [InlineData(FourByteName, "GB18030")]
    public void Declared_gb_but_sent_utf8_is_read_as_utf8(string name, string declared)
    {
        var body = CatalogBody($"<?xml version=\"1.0\" encoding=\"{declared}\"?>\r\n", name, Encoding.UTF8);
        Assert.Equal(name, NameOf(body));
        var detection = GbText.DetectXml(body);
        Assert.Equal((GbCharset.Utf8, true), (detection.Actual, detection.DeclarationWasWrong));
    }

    [Theory]
    [InlineData(CommonName)]
    [InlineData(GbkOnlyName)]
    [InlineData(FourByteName)]
    public void Honest_declarations_are_honoured(string name)
    {
        Assert.Equal(name, NameOf(CatalogBody("<?xml version=\"1.0\" encoding=\"GB18030\"?>\r\n", name, GbEncodings.Gb18030)));
        Assert.Equal(name, NameOf(CatalogBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n", name, Encoding.UTF8)));
        Assert.False(GbText.DetectXml(CatalogBody("<?xml version=\"1.0\" encoding=\"gb2312\"?>", CommonName, GbEncodings.Gbk)).DeclarationWasWrong);
    }

    [Fact]
    public void No_declaration_reads_utf8_then_gb18030()
    {
        Assert.Equal(CommonName, NameOf(CatalogBody(string.Empty, CommonName, Encoding.UTF8)));
        Assert.Equal(CommonName, NameOf(CatalogBody(string.Empty, CommonName, GbEncodings.Gb18030)));
    }

    [Fact]
    public void Bytes_valid_in_no_charset_are_read_with_replacement_characters_not_refused()
    {
        var body = CatalogBody("<?xml version=\"1.0\" encoding=\"GB2312\"?>", "AB", Encoding.ASCII);
        var at = body.AsSpan().IndexOf("<Name>AB"u8) + 7;
        body[at] = 0xFF; // never valid in UTF-8 nor GB18030
        Assert.Equal("A\uFFFD", NameOf(body));
        Assert.True(GbText.DetectXml(body).IsLossy);
    }

    [Theory]
    [InlineData(GbCharset.Gb2312, "GB2312")]
    [InlineData(GbCharset.Gb18030, "GB18030")]
    [InlineData(GbCharset.Utf8, "UTF-8")]
    public void Encoding_writes_the_declaration_that_matches_the_bytes(GbCharset charset, string declared)
    {
        var message = new CatalogResponse
        {
            Sn = 1,
            DeviceId = "34020000001320000001",
            Items = [new CatalogItem { DeviceId = "34020000001310000001", Name = CommonName + GbkOnlyName }],
        };
        var bytes = ManscdpCodec.Encode(message, charset);
        var expectedPrefix = Encoding.ASCII.GetBytes($"<?xml version=\"1.0\" encoding=\"{declared}\"?>\r\n");
        Assert.True(bytes.AsSpan().StartsWith(expectedPrefix));

        var name = Encoding.ASCII.GetBytes("<Name>");
        var start = bytes.AsSpan().IndexOf(name) + name.Length;
        var length = bytes.AsSpan(start).IndexOf((byte)'<');
        var expected = (charset == GbCharset.Utf8 ? Encoding.UTF8 : charset == GbCharset.Gb18030 ? GbEncodings.Gb18030 : GbEncodings.Gbk).GetBytes(CommonName + GbkOnlyName);
        Assert.Equal(expected, bytes.AsSpan(start, length).ToArray());
        Assert.False(GbText.DetectXml(bytes).DeclarationWasWrong);
    }

    [Fact]
    public void Gb2312_output_writes_characters_outside_gbk_as_character_references()
    {
        var message = new CatalogResponse
        {
            Sn = 1,
            DeviceId = "34020000001320000001",
            Items = [new CatalogItem { DeviceId = "34020000001310000001", Name = FourByteName }],
        };
        var bytes = ManscdpCodec.Encode(message, GbCharset.Gb2312);
        Assert.Contains("<Name>&#x20000;号楼", GbEncodings.Gbk.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(FourByteName, NameOf(bytes));

        var native = ManscdpCodec.Encode(message, GbCharset.Gb18030);
        Assert.DoesNotContain("&#x", GbEncodings.Gb18030.GetString(native), StringComparison.Ordinal);
        Assert.Equal(FourByteName, NameOf(native));
    }

    [Theory]
    [InlineData("gb2312", GbCharset.Gb2312)]
    [InlineData(" GBK ", GbCharset.Gb2312)]
    [InlineData("GB18030", GbCharset.Gb18030)]
    [InlineData("utf8", GbCharset.Utf8)]
    [InlineData("UTF-8", GbCharset.Utf8)]
    public void Configured_charset_names(string name, GbCharset expected)
    {
        Assert.Equal(expected, GbEncodings.ParseCharset(name));
    }

    [Fact]
    public void Unknown_configured_charset_names_the_accepted_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => GbEncodings.ParseCharset("Big5"));
        Assert.Contains("GB2312, GB18030 or UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x41, 0xD6, 0xD0 }, true)]
    [InlineData(new byte[] { 0x95, 0x32, 0x82, 0x36 }, true)] // four-byte sequence
    [InlineData(new byte[] { 0xD6 }, false)] // truncated
    [InlineData(new byte[] { 0x80 }, false)]
    [InlineData(new byte[] { 0xD6, 0x3C }, false)] // '<' is never a trail byte
    [InlineData(new byte[] { 0x95, 0x32, 0x3C, 0x36 }, false)]
    public void Gb18030_well_formedness(byte[] bytes, bool expected)
    {
        Assert.Equal(expected, GbText.IsWellFormedGb18030(bytes));
    }
}

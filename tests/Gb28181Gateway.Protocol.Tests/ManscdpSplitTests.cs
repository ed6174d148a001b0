using System.Text;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;

namespace Gb28181Gateway.Protocol.Tests;

public sealed class ManscdpSplitTests
{
    private static CatalogItem Channel(int i, string? name = null) => new()
    {
        DeviceId = DeviceId.Create("3402000000", DeviceType.Ipc, i).Value,
        Name = name ?? $"通道{i} 西门入口",
        Manufacturer = "Hikvision",
        ParentId = "34020000001180000001",
        Status = "ON",
        Extensions = [new ManscdpElement("VendorField", i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
    };

    private static (CatalogResponse Message, IReadOnlyList<CatalogResponse> Parts) Split(int count, int perMessage, int maxBytes, GbCharset charset, out IReadOnlyList<byte[]> bodies)
    {
        var message = new CatalogResponse { Sn = 77, DeviceId = "34020000001180000001", Items = Enumerable.Range(1, count).Select(i => Channel(i)).ToArray() };
        bodies = ManscdpCodec.Split(message, perMessage, maxBytes, charset);
        return (message, bodies.Select(b => Assert.IsType<CatalogResponse>(ManscdpCodec.Parse(b))).ToArray());
    }

    [Theory]
    [InlineData(1, 10, 1300, GbCharset.Gb2312)]
    [InlineData(25, 10, 1300, GbCharset.Gb2312)]
    [InlineData(25, 2, 100_000, GbCharset.Utf8)]
    [InlineData(40, 50, 4000, GbCharset.Gb18030)]
    public void Every_item_once_in_order_every_body_within_the_limit_and_the_counts_right(int count, int perMessage, int maxBytes, GbCharset charset)
    {
        var (message, parts) = Split(count, perMessage, maxBytes, charset, out var bodies);

        Assert.Equal(message.Items, parts.SelectMany(p => p.Items));
        Assert.All(bodies, b => Assert.True(b.Length <= maxBytes, $"a body is {b.Length} bytes, over {maxBytes}"));
        Assert.All(parts, p => Assert.InRange(p.Items.Count, 1, perMessage));
        Assert.All(parts, p => Assert.Equal((count, 77L, "34020000001180000001"), (p.SumNum!.Value, p.Sn, p.DeviceId)));
        foreach (var body in bodies)
        {
            var text = GbText.DecodeXml(body);
            var items = Assert.IsType<CatalogResponse>(ManscdpCodec.Parse(body)).Items.Count;
            Assert.Contains($"<DeviceList Num=\"{items}\">", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_size_limit_cuts_before_the_item_count_does()
    {
        var (_, parts) = Split(25, 10, 1300, GbCharset.Gb2312, out var bodies);

        Assert.True(parts.Count > 3, $"25 items in {parts.Count} bodies under 1300 bytes");
        Assert.Contains(bodies, b => b.Length > 1000);
    }

    [Fact]
    public void An_item_larger_than_the_limit_goes_out_alone()
    {
        var message = new CatalogResponse
        {
            Sn = 5,
            DeviceId = "34020000001180000001",
            Items = [Channel(1), Channel(2, new string('长', 900)), Channel(3)],
        };

        var bodies = ManscdpCodec.Split(message, 10, 1300, GbCharset.Gb18030);
        var parts = bodies.Select(b => Assert.IsType<CatalogResponse>(ManscdpCodec.Parse(b))).ToArray();

        Assert.Equal(message.Items, parts.SelectMany(p => p.Items));
        var big = Assert.Single(parts, p => p.Items.Any(i => i.DeviceId.EndsWith('2')));
        Assert.Single(big.Items);
        Assert.All(bodies.Where((_, i) => parts[i] != big), b => Assert.True(b.Length <= 1300));
    }

    [Fact]
    public void No_items_gives_one_body_with_num_zero()
    {
        var body = Assert.Single(ManscdpCodec.Split(new CatalogResponse { Sn = 1, DeviceId = "34020000001180000001" }, 10, 1300, GbCharset.Gb2312));
        var text = Encoding.ASCII.GetString(body);

        Assert.Contains("<SumNum>0</SumNum>", text, StringComparison.Ordinal);
        Assert.Contains("<DeviceList Num=\"0\">", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_info_answers_split_the_same_way_keeping_the_declared_total()
    {
        var items = Enumerable.Range(0, 9).Select(i => new RecordItem
        {
            DeviceId = "34020000001320000001",
            Name = "录像",
            StartTime = $"2024-05-04T{i:D2}:00:00",
            EndTime = $"2024-05-04T{i:D2}:59:59",
            Type = "time",
            FileSize = "1048576",
        }).ToArray();
        var message = new RecordInfoResponse { Sn = 8, DeviceId = "34020000001320000001", Name = "Camera 01", SumNum = 9, Items = items };

        var bodies = ManscdpCodec.Split(message, 4, 1300, GbCharset.Gb2312);
        var parts = bodies.Select(b => Assert.IsType<RecordInfoResponse>(ManscdpCodec.Parse(b))).ToArray();

        Assert.Equal(items, parts.SelectMany(p => p.Items));
        Assert.All(parts, p => Assert.Equal(9, p.SumNum));
        Assert.All(parts, p => Assert.Equal("Camera 01", p.Name));
        Assert.All(bodies, b => Assert.True(b.Length <= 1300));
        Assert.Equal(3, parts.Length);
    }

    [Fact]
    public void Bad_split_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ManscdpCodec.Split(new CatalogResponse { Sn = 1 }, 0, 1300, GbCharset.Utf8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ManscdpCodec.Split(new CatalogResponse { Sn = 1 }, 1, 0, GbCharset.Utf8));
    }
}

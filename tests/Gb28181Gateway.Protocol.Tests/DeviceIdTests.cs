using System.Text;

namespace Gb28181Gateway.Protocol.Tests;

public sealed class DeviceIdTests
{
    [Fact]
    public void Parts_of_an_ipc_id()
    {
        var id = DeviceId.Parse("34020000001320000001");

        Assert.Equal("3402000000", id.DomainId);
        Assert.Equal("34020000", id.CenterCode);
        Assert.Equal(0, id.IndustryCode);
        Assert.Equal(132, id.TypeCode);
        Assert.Equal(DeviceType.Ipc, id.Type);
        Assert.Equal(1, id.Serial);
        Assert.True(id.IsVideoChannel);
        Assert.Equal("34020000001320000001", id.ToString());
    }

    [Theory]
    [InlineData("34020000001110000001", DeviceType.Dvr)]
    [InlineData("34020000001180000001", DeviceType.Nvr)]
    [InlineData("34020000001310000001", DeviceType.Camera)]
    [InlineData("34020000001340000001", DeviceType.AlarmInput)]
    [InlineData("34020000002000000001", DeviceType.SipServer)]
    [InlineData("34020000002150000001", DeviceType.BusinessGroup)]
    [InlineData("34020000002160000001", DeviceType.VirtualOrganization)]
    public void Type_codes(string text, DeviceType expected)
    {
        Assert.Equal(expected, DeviceId.Parse(text).Type);
    }

    [Theory]
    [InlineData("", DeviceIdError.Empty)]
    [InlineData("340200000013200000", DeviceIdError.WrongLength)]
    [InlineData("340200000013200000011", DeviceIdError.WrongLength)]
    [InlineData("3402000000132000000A", DeviceIdError.NotDigits)]
    [InlineData("3402000000132000000１", DeviceIdError.NotDigits)]
    public void Invalid_ids_say_why(string text, DeviceIdError expected)
    {
        Assert.False(DeviceId.TryParse(text.AsSpan(), out var id, out var error));
        Assert.Equal(expected, error);
        Assert.True(id.IsEmpty);
        Assert.Equal(expected, DeviceId.Validate(text));
        var exception = Assert.ThrowsAny<FormatException>(() => DeviceId.Parse(text));
        Assert.Contains(text.Length == 0 ? "empty" : text, exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Utf8_and_char_parsing_agree()
    {
        Assert.Equal(DeviceId.Parse("34020000001320000001"), DeviceId.Parse("34020000001320000001"u8));
        Assert.False(DeviceId.TryParse(Encoding.UTF8.GetBytes("3402000000132000000é"), out _, out var error));
        Assert.NotEqual(DeviceIdError.None, error);
    }

    [Theory]
    [InlineData("34", true)]
    [InlineData("3402", true)]
    [InlineData("340200", true)]
    [InlineData("34020001", true)]
    [InlineData("340", false)]
    [InlineData("3402000000", false)]
    [InlineData("34a2", false)]
    public void Civil_codes_are_2_4_6_or_8_digits(string text, bool expected)
    {
        Assert.Equal(expected, DeviceId.IsCivilCode(text));
    }

    [Fact]
    public void Numbering_plan_builds_ids_in_its_domain_and_type()
    {
        var plan = new DeviceNumberingPlan("4401000000", DeviceType.Camera);

        var id = plan.Create(42);

        Assert.Equal("44010000001310000042", id.Value);
        Assert.True(plan.Contains(id));
        Assert.False(plan.Contains(DeviceId.Parse("44010000001320000042")));
        Assert.False(plan.Contains(DeviceId.Parse("34010000001310000042")));
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.Create(DeviceNumberingPlan.MaxSerial + 1));
        Assert.Throws<ArgumentException>(() => DeviceId.Create("44010", DeviceType.Camera, 1));
    }

    [Fact]
    public void Ordering_is_ordinal()
    {
        var a = DeviceId.Parse("34020000001320000001");
        var b = DeviceId.Parse("34020000001320000002");

        Assert.True(a < b);
        Assert.True(b >= a);
        Assert.Equal(-1, Math.Sign(a.CompareTo(b)));
    }
}

namespace Gb28181Gateway.Protocol.Tests;

public sealed class GbTimeTests
{
    [Fact]
    public void Date_header_has_milliseconds_and_no_zone()
    {
        Assert.Equal("2024-05-17T14:07:33.232", GbTime.FormatDateHeader(new DateTime(2024, 5, 17, 14, 7, 33, 232)));
    }

    [Fact]
    public void Xml_time_has_seconds_only()
    {
        Assert.Equal("2024-05-17T14:24:54", GbTime.FormatXmlTime(new DateTime(2024, 5, 17, 14, 24, 54, 999)));
    }

    [Theory]
    [InlineData("2024-05-17T14:07:33.232", 232, DateTimeKind.Unspecified)]
    [InlineData("2024-05-17T14:07:33", 0, DateTimeKind.Unspecified)]
    [InlineData("2024-05-17 14:07:33", 0, DateTimeKind.Unspecified)]
    [InlineData(" 2024-05-17T14:07:33.2 ", 200, DateTimeKind.Unspecified)]
    [InlineData("2024-05-17T14:07:33Z", 0, DateTimeKind.Utc)]
    [InlineData("2024-05-17T14:07:33.232Z", 232, DateTimeKind.Utc)]
    [InlineData("2024-05-17T14:07:33,5", 500, DateTimeKind.Unspecified)]
    public void Tolerant_parsing(string text, int millisecond, DateTimeKind kind)
    {
        Assert.True(GbTime.TryParse(text, out var value));
        Assert.Equal(new DateTime(2024, 5, 17, 14, 7, 33).AddMilliseconds(millisecond), DateTime.SpecifyKind(value, DateTimeKind.Unspecified));
        Assert.Equal(kind, value.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2024-05-17")]
    [InlineData("2024-13-17T14:07:33")]
    [InlineData("2024-02-30T14:07:33")]
    [InlineData("2024-05-17T24:00:00")]
    [InlineData("2024/05/17T14:07:33")]
    [InlineData("2024-05-17T14:07:33.")]
    [InlineData("2024-05-17T14:07:33.12345678")]
    [InlineData("2024-05-17T14:07:33+08:00")]
    public void Rejects_what_is_not_a_gb_time(string text)
    {
        Assert.False(GbTime.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => GbTime.Parse(text));
        Assert.Contains("yyyy-MM-ddTHH:mm:ss", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Date_header_accepts_rfc1123_from_servers_as_utc()
    {
        // seed 003: "Date: Mon, 08 Jan 2024 05:39:52 GMT"
        Assert.True(GbTime.TryParseDateHeader("Mon, 08 Jan 2024 05:39:52 GMT", out var value));
        Assert.Equal(new DateTime(2024, 1, 8, 5, 39, 52, DateTimeKind.Utc), value);
        Assert.Equal(DateTimeKind.Utc, value.Kind);
        Assert.True(GbTime.TryParseDateHeader("2013-09-10T16:01:51", out var hik));
        Assert.Equal(new DateTime(2013, 9, 10, 16, 1, 51), hik);
    }
}

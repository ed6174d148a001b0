using Gb28181Gateway.Integrations.Mqtt;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>MQTT 3.1.1 section 4.7, with the spec's own non-normative examples.</summary>
public sealed class MqttTopicTests
{
    [Theory]
    [InlineData("sport/tennis/player1/#", true)]
    [InlineData("sport/#", true)]
    [InlineData("#", true)]
    [InlineData("sport/tennis/#", true)]
    [InlineData("sport/tennis#", false)]
    [InlineData("sport/tennis/#/ranking", false)]
    [InlineData("+", true)]
    [InlineData("+/tennis/#", true)]
    [InlineData("sport+", false)]
    [InlineData("sport/+/player1", true)]
    [InlineData("/", true)]
    [InlineData("//", true)]
    [InlineData("+/+", true)]
    [InlineData("a/+b", false)]
    [InlineData("a/#/", false)]
    [InlineData("", false)]
    [InlineData("a\0b", false)]
    public void Topic_filters(string filter, bool valid)
    {
        Assert.Equal(valid, MqttTopic.IsValidTopicFilter(filter));
        if (!valid)
        {
            var ex = Assert.Throws<ArgumentException>(() => new MqttTopicSubscription(filter));
            Assert.Contains("not a valid MQTT topic filter", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("gb28181/gw-1/events/alarm", true)]
    [InlineData("/finance", true)]
    [InlineData("/", true)]
    [InlineData("Accounts payable", true)]
    [InlineData("$SYS/broker/uptime", true)]
    [InlineData("a/+/b", false)]
    [InlineData("a/#", false)]
    [InlineData("", false)]
    [InlineData("a\0", false)]
    public void Topic_names(string topic, bool valid)
    {
        Assert.Equal(valid, MqttTopic.IsValidTopicName(topic));
        if (!valid)
        {
            var ex = Assert.Throws<ArgumentException>(() => MqttApplicationMessage.FromString(topic, "x"));
            Assert.Contains("not a valid MQTT topic name", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Unpaired_surrogates_are_refused()
    {
        // Built at run time: attribute arguments cannot carry an unpaired surrogate.
        var topic = "alarm/" + (char)0xD800;
        Assert.False(MqttTopic.IsValidTopicName(topic));
        Assert.False(MqttTopic.IsValidTopicFilter(topic));
        Assert.True(MqttTopic.IsValidTopicName("alarm/" + char.ConvertFromUtf32(0x2A6D4)));
    }

    [Fact]
    public void Topic_name_length_is_counted_in_utf8_bytes()
    {
        Assert.True(MqttTopic.IsValidTopicName(new string('中', 21_845)));   // 65535 bytes
        Assert.False(MqttTopic.IsValidTopicName(new string('中', 21_846)));  // 65538 bytes
    }

    [Theory]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/ranking", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true)]
    [InlineData("sport/#", "sport", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player2", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
    [InlineData("sport/+", "sport", false)]
    [InlineData("sport/+", "sport/", true)]
    [InlineData("+/+", "/finance", true)]
    [InlineData("/+", "/finance", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("#", "$SYS/monitor/Clients", false)]
    [InlineData("+/monitor/Clients", "$SYS/monitor/Clients", false)]
    [InlineData("$SYS/#", "$SYS/monitor/Clients", true)]
    [InlineData("$SYS/monitor/+", "$SYS/monitor/Clients", true)]
    [InlineData("ACCOUNTS", "Accounts", false)]
    [InlineData("/finance", "finance", false)]
    [InlineData("gb28181/+/control/request", "gb28181/gw-1/control/request", true)]
    [InlineData("gb28181/gw-1/#", "gb28181/gw-10/status", false)]
    [InlineData("a/b", "a/b/c", false)]
    [InlineData("a/b/c", "a/b", false)]
    public void Matching(string filter, string topic, bool matches)
    {
        Assert.Equal(matches, MqttTopic.Matches(filter, topic));
    }

    [Fact]
    public void Matching_refuses_invalid_arguments()
    {
        Assert.Throws<ArgumentException>(() => MqttTopic.Matches("a/#/b", "a/x/b"));
        Assert.Throws<ArgumentException>(() => MqttTopic.Matches("a/+", "a/+"));
    }
}

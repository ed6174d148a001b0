using System.Text;
using System.Text.Json;
using Gb28181Gateway.Integrations.MqttBridge;

namespace Gb28181Gateway.Integrations.Tests.MqttBridge;

/// <summary>Parsing of control requests: every malformed request still yields an answer address and a precise error.</summary>
public sealed class MqttControlRequestTests
{
    private const string Default = "gb28181/gw-1/control/response";

    private static MqttControlRequest Parse(string json) => MqttControlRequest.Parse(Encoding.UTF8.GetBytes(json), Default);

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("\"a string\"")]
    [InlineData("[1,2]")]
    [InlineData("{\"id\":\"x\",}")]
    public void Unparseable_or_non_object_payloads_are_parse_errors_answered_on_the_default_topic_with_no_id(string payload)
    {
        var request = Parse(payload);

        Assert.Equal(MqttControlError.ParseError, request.Error!.Code);
        Assert.Equal(Default, request.ReplyTo);
        Assert.Equal(JsonValueKind.Undefined, request.Id.ValueKind);
        Assert.StartsWith("""{"id":null,"error":{"code":-32700,"message":""", Encoding.UTF8.GetString(MqttControlResponse.Error(request.Id, request.Error.Code, request.Error.Message)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":"a","replyTo":"app/+/x","method":"devices.list"}""", "replyTo must be an MQTT topic name")]
    [InlineData("""{"id":"a","replyTo":"","method":"devices.list"}""", "replyTo must be an MQTT topic name")]
    [InlineData("""{"id":"a","replyTo":5,"method":"devices.list"}""", "replyTo must be an MQTT topic name")]
    [InlineData("""{"id":{"x":1},"method":"devices.list"}""", "id must be a string or a number")]
    [InlineData("""{"id":"a","method":""}""", "method is required")]
    [InlineData("""{"id":"a","method":7}""", "method is required")]
    [InlineData("""{"id":"a"}""", "method is required")]
    [InlineData("""{"id":"a","method":"channels.list","params":[1]}""", "params must be a JSON object")]
    public void Requests_with_wrong_members_are_invalid_requests_naming_the_member(string payload, string message)
    {
        var request = Parse(payload);

        Assert.Equal(MqttControlError.InvalidRequest, request.Error!.Code);
        Assert.Contains(message, request.Error.Message, StringComparison.Ordinal);
        Assert.Equal(Default, request.ReplyTo);
    }

    [Fact]
    public void A_bad_replyTo_still_echoes_the_id_so_the_requester_can_match_the_error()
    {
        var request = Parse("""{"id":"r9","replyTo":"app/#","method":"devices.list"}""");

        Assert.Equal("\"r9\"", request.IdText);
        Assert.StartsWith("""{"id":"r9","error":{"code":-32600""", Encoding.UTF8.GetString(MqttControlResponse.Error(request.Id, request.Error!.Code, request.Error.Message)));
    }

    [Fact]
    public void A_good_request_keeps_its_id_replyTo_method_and_params()
    {
        var request = Parse("""{"id":12.5,"method":"ptz.control","replyTo":"app/1","params":{"deviceId":"34020000001320000001","speed":9}}""");

        Assert.Null(request.Error);
        Assert.Equal("12.5", request.IdText);
        Assert.Equal("app/1", request.ReplyTo);
        Assert.Equal("ptz.control", request.Method);
        Assert.Equal("34020000001320000001", request.Params.RequiredId("deviceId"));
        Assert.Equal(9, request.Params.OptionalInt("speed", 1, 255));
    }

    [Theory]
    [InlineData("""{"deviceId":"3402000000132000000"}""", "params.deviceId must be a 20-digit GB28181 ID")]
    [InlineData("""{"deviceId":"3402000000132000000X"}""", "params.deviceId must be a 20-digit GB28181 ID")]
    [InlineData("""{"deviceId":34020000001320000001}""", "params.deviceId must be a string (got 34020000001320000001)")]
    [InlineData("""{}""", "params.deviceId is required")]
    [InlineData("""{"deviceId":"  "}""", "params.deviceId is required")]
    public void Device_ids_are_checked_and_the_error_names_the_parameter(string @params, string message)
    {
        var request = Parse($$"""{"id":1,"method":"channels.list","params":{{@params}}}""");

        var error = Assert.Throws<MqttControlException>(() => request.Params.RequiredId("deviceId"));
        Assert.Equal(MqttControlError.InvalidParams, error.Code);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"speed":0}""")]
    [InlineData("""{"speed":256}""")]
    [InlineData("""{"speed":1.5}""")]
    [InlineData("""{"speed":"fast"}""")]
    public void Out_of_range_numbers_are_refused(string @params)
    {
        var request = Parse($$"""{"id":1,"method":"ptz.control","params":{{@params}}}""");

        var error = Assert.Throws<MqttControlException>(() => request.Params.OptionalInt("speed", 1, 255));
        Assert.StartsWith("params.speed must be a whole number 1-255", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-05-01T08:00:00", "2024-05-01T08:00:00")]
    [InlineData("2024-05-01 08:00:00", "2024-05-01T08:00:00")]
    public void Times_without_offset_are_the_devices_local_time(string text, string expected)
    {
        var request = Parse($$$"""{"id":1,"method":"records.query","params":{"start":"{{{text}}}"}}""");

        var time = request.Params.RequiredTime("start");
        Assert.Equal(expected, time.ToString("s", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeKind.Unspecified, time.Kind);
    }

    [Fact]
    public void A_time_that_is_not_iso_8601_is_refused_with_an_example()
    {
        var request = Parse("""{"id":1,"method":"records.query","params":{"start":"yesterday"}}""");

        var error = Assert.Throws<MqttControlException>(() => request.Params.RequiredTime("start"));
        Assert.Contains("2024-05-01T08:00:00", error.Message, StringComparison.Ordinal);
    }
}

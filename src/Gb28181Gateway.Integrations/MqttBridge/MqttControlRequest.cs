using System.Text.Json;
using Gb28181Gateway.Integrations.Mqtt;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>
/// One parsed control request <c>{"id","method","params","replyTo"}</c>. A request that cannot be parsed
/// still yields what could be read (id, replyTo) so its error answer reaches the requester where possible.
/// </summary>
internal sealed class MqttControlRequest
{
    private MqttControlRequest(JsonElement id, string replyTo)
    {
        Id = id;
        ReplyTo = replyTo;
    }

    /// <summary>The request's id (string or number) as sent, echoed in the answer; default when absent or unusable.</summary>
    public JsonElement Id { get; private set; }

    /// <summary>Where the answer goes: the request's replyTo, else the default response topic.</summary>
    public string ReplyTo { get; private set; }

    public string Method { get; private set; } = string.Empty;

    public MqttControlParams Params { get; private set; }

    /// <summary>Set when the request is malformed: the error to answer with instead of running it.</summary>
    public MqttControlException? Error { get; private set; }

    /// <summary>Parses <paramref name="payload"/>; never throws for bad input (see <see cref="Error"/>).</summary>
    public static MqttControlRequest Parse(ReadOnlyMemory<byte> payload, string defaultReplyTo)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            return Failed(default, defaultReplyTo, MqttControlError.ParseError, $"the request is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Failed(default, defaultReplyTo, MqttControlError.ParseError, $"the request must be a JSON object, not {root.ValueKind.ToString().ToLowerInvariant()}");
            }

            // Read id and replyTo first, so that every later error is answered to the right place.
            var request = new MqttControlRequest(default, defaultReplyTo);
            var problem = (string?)null;
            if (root.TryGetProperty("id", out var id) && id.ValueKind != JsonValueKind.Null)
            {
                if (id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    request.Id = id.Clone();
                }
                else
                {
                    problem = "id must be a string or a number";
                }
            }

            if (root.TryGetProperty("replyTo", out var replyTo) && replyTo.ValueKind != JsonValueKind.Null)
            {
                if (replyTo.ValueKind == JsonValueKind.String && MqttTopic.IsValidTopicName(replyTo.GetString()))
                {
                    request.ReplyTo = replyTo.GetString()!;
                }
                else
                {
                    problem ??= $"replyTo must be an MQTT topic name without wildcards (got {replyTo.GetRawText()}); answered on {defaultReplyTo}";
                }
            }

            if (problem is null)
            {
                if (!root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String || method.GetString()!.Length == 0)
                {
                    problem = "method is required (a string such as \"devices.list\")";
                }
                else
                {
                    request.Method = method.GetString()!;
                }
            }

            if (problem is null && root.TryGetProperty("params", out var @params) && @params.ValueKind != JsonValueKind.Null)
            {
                if (@params.ValueKind == JsonValueKind.Object)
                {
                    request.Params = new MqttControlParams(@params.Clone());
                }
                else
                {
                    problem = "params must be a JSON object";
                }
            }

            if (problem is not null)
            {
                request.Error = new MqttControlException(MqttControlError.InvalidRequest, problem);
            }

            return request;
        }
    }

    /// <summary>The id as text for logs.</summary>
    public string IdText => Id.ValueKind == JsonValueKind.Undefined ? "null" : Id.GetRawText();

    private static MqttControlRequest Failed(JsonElement id, string replyTo, int code, string message) =>
        new(id, replyTo) { Error = new MqttControlException(code, message) };
}

using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>Writes the "result" member of a successful answer.</summary>
internal delegate void MqttControlResult(Utf8JsonWriter writer);

/// <summary>Builds the answer documents <c>{"id","result"}</c> and <c>{"id","error":{"code","message"}}</c>.</summary>
internal static class MqttControlResponse
{
    public static MqttControlResult Result<T>(T value, JsonTypeInfo<T> typeInfo) =>
        writer => JsonSerializer.Serialize(writer, value, typeInfo);

    public static byte[] Success(JsonElement id, MqttControlResult result)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, MqttBridgeJsonContext.WriterOptions))
        {
            writer.WriteStartObject();
            WriteId(writer, id);
            writer.WritePropertyName("result"u8);
            result(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Error(JsonElement id, int code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, MqttBridgeJsonContext.WriterOptions))
        {
            writer.WriteStartObject();
            WriteId(writer, id);
            writer.WritePropertyName("error"u8);
            JsonSerializer.Serialize(writer, new ControlErrorView(code, message), MqttBridgeJsonContext.Wire.ControlErrorView);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteId(Utf8JsonWriter writer, JsonElement id)
    {
        writer.WritePropertyName("id"u8);
        if (id.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteNullValue();
        }
        else
        {
            id.WriteTo(writer);
        }
    }
}

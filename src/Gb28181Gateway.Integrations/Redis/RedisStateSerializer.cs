using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;

namespace Gb28181Gateway.Integrations.Redis;

/// <summary>
/// What the values in Redis look like: records as UTF-8 JSON (System.Text.Json, source-generated, Chinese
/// text unescaped so redis-cli shows it), catalogs as the MANSCDP Catalog response the device sent
/// (UTF-8), which round-trips every field including vendor elements.
/// </summary>
internal static class RedisStateSerializer
{
    private static readonly RedisJsonContext Context = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    public static byte[] Serialize(DeviceRecord device) => JsonSerializer.SerializeToUtf8Bytes(device, Context.DeviceRecord);

    public static byte[] Serialize(PlatformStateRecord platform) => JsonSerializer.SerializeToUtf8Bytes(platform, Context.PlatformStateRecord);

    public static byte[] Serialize(SessionRecord session) => JsonSerializer.SerializeToUtf8Bytes(session, Context.SessionRecord);

    /// <exception cref="ArgumentException">The catalog or one of its items has no DeviceId.</exception>
    public static byte[] Serialize(DeviceCatalog catalog)
    {
        var message = new CatalogResponse { Sn = 0, DeviceId = catalog.DeviceId, SumNum = catalog.Items.Count, Items = catalog.Items };
        return ManscdpCodec.Encode(message, GbCharset.Utf8);
    }

    /// <exception cref="FormatException">The value is not a DeviceRecord.</exception>
    public static DeviceRecord DeserializeDevice(ReadOnlySpan<byte> json) => Json(json, Context.DeviceRecord);

    /// <exception cref="FormatException">The value is not a PlatformStateRecord.</exception>
    public static PlatformStateRecord DeserializePlatform(ReadOnlySpan<byte> json) => Json(json, Context.PlatformStateRecord);

    /// <exception cref="FormatException">The value is not a SessionRecord.</exception>
    public static SessionRecord DeserializeSession(ReadOnlySpan<byte> json) => Json(json, Context.SessionRecord);

    /// <exception cref="FormatException">The value is not a MANSCDP catalog.</exception>
    public static DeviceCatalog DeserializeCatalog(string deviceId, ReadOnlySpan<byte> xml)
    {
        ManscdpMessage message;
        try
        {
            message = ManscdpCodec.Parse(xml);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new FormatException($"stored catalog of {deviceId} is not a MANSCDP message: {ex.Message}", ex);
        }

        return message is CatalogList list
            ? new DeviceCatalog(deviceId, list.Items)
            : throw new FormatException($"stored catalog of {deviceId} is a {message.Root}/{message.CmdType} message, not a Catalog response");
    }

    private static T Json<T>(ReadOnlySpan<byte> json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new FormatException($"stored {typeof(T).Name} is JSON null");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"stored {typeof(T).Name} is not valid: {ex.Message}", ex);
        }
    }
}

[JsonSerializable(typeof(DeviceRecord))]
[JsonSerializable(typeof(PlatformStateRecord))]
[JsonSerializable(typeof(SessionRecord))]
internal sealed partial class RedisJsonContext : JsonSerializerContext;

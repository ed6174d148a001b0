using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>The four MANSCDP root elements.</summary>
public enum ManscdpRoot
{
    Query = 0,
    Control = 1,
    Notify = 2,
    Response = 3,
}

/// <summary>
/// What routing and correlation need from a MANSCDP body: root, CmdType, SN and DeviceID (exchanges are
/// correlated by (DeviceID, CmdType, SN), never by Call-ID). <see cref="DeviceId"/> is "" when the body
/// has none (a Broadcast notify carries SourceID/TargetID instead).
/// </summary>
public readonly record struct ManscdpHeader(ManscdpRoot Root, string CmdType, long Sn, string DeviceId);

/// <summary>
/// A MANSCDP message. Every model keeps the elements it does not know (vendor fields, newer-edition fields,
/// values that did not parse as their type) in <see cref="Extensions"/>, in document order, and writes them
/// back, so a message can be re-encoded with some fields changed and nothing else lost. Models are
/// immutable records compared by value (lists included).
/// </summary>
public abstract record ManscdpMessage
{
    private protected ManscdpMessage()
    {
    }

    public abstract ManscdpRoot Root { get; }

    public abstract string CmdType { get; }

    /// <summary>The sequence number (SN) that correlates a query with its responses.</summary>
    public required long Sn { get; init; }

    /// <summary>The DeviceID the message is about; required by every message except <see cref="BroadcastNotify"/>.</summary>
    public string DeviceId { get; init; } = string.Empty;

    /// <summary>Top-level elements the model does not know, in document order; written after the known ones.</summary>
    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    public ManscdpHeader Header => new(Root, CmdType, Sn, DeviceId);

    /// <summary>False for the few messages that have no DeviceID element.</summary>
    private protected virtual bool HasDeviceId => true;

    internal void Write(ManscdpWriter writer)
    {
        if (HasDeviceId && string.IsNullOrEmpty(DeviceId))
        {
            throw new ArgumentException($"{GetType().Name} needs a DeviceId (the <DeviceID> element is mandatory for {Root}/{CmdType})");
        }

        var root = ManscdpNames.Root(Root);
        writer.Declaration();
        writer.Start(root);
        WriteHeader(writer);
        WriteBody(writer);
        writer.Elements(Extensions);
        writer.End(root);
    }

    internal void WriteHeader(ManscdpWriter writer)
    {
        writer.Element("CmdType"u8, CmdType);
        writer.Element("SN"u8, Sn);
        if (HasDeviceId || DeviceId.Length > 0)
        {
            writer.Element("DeviceID"u8, DeviceId);
        }
    }

    /// <summary>Writes the elements after the header (CmdType, SN, DeviceID) and before the extensions.</summary>
    internal abstract void WriteBody(ManscdpWriter writer);
}

/// <summary>The CmdType values of GB/T 28181-2016 and -2022 that the codec models.</summary>
public static class ManscdpCmdType
{
    public const string Catalog = "Catalog";
    public const string DeviceInfo = "DeviceInfo";
    public const string DeviceStatus = "DeviceStatus";
    public const string RecordInfo = "RecordInfo";
    public const string PresetQuery = "PresetQuery";
    public const string ConfigDownload = "ConfigDownload";
    public const string Alarm = "Alarm";
    public const string MobilePosition = "MobilePosition";
    public const string DeviceControl = "DeviceControl";
    public const string DeviceConfig = "DeviceConfig";
    public const string Keepalive = "Keepalive";
    public const string MediaStatus = "MediaStatus";
    public const string Broadcast = "Broadcast";
    public const string UploadSnapShotFinished = "UploadSnapShotFinished";
}

internal static class ManscdpNames
{
    public static ReadOnlySpan<byte> Root(ManscdpRoot root) => root switch
    {
        ManscdpRoot.Query => "Query"u8,
        ManscdpRoot.Control => "Control"u8,
        ManscdpRoot.Notify => "Notify"u8,
        ManscdpRoot.Response => "Response"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(root), root, "unknown MANSCDP root"),
    };

    public static string RootText(ManscdpRoot root) => root.ToString();

    public static bool TryRoot(ReadOnlySpan<byte> name, out ManscdpRoot root)
    {
        for (var candidate = ManscdpRoot.Query; candidate <= ManscdpRoot.Response; candidate++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(name, Root(candidate)))
            {
                root = candidate;
                return true;
            }
        }

        root = default;
        return false;
    }

    /// <summary>The canonical CmdType string for a known value (no allocation), else the decoded text.</summary>
    public static string CmdType(ReadOnlySpan<byte> raw, string? decoded)
    {
        foreach (var known in Known)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(raw, known))
            {
                return known;
            }
        }

        return decoded ?? string.Empty;
    }

    private static readonly string[] Known =
    [
        ManscdpCmdType.Keepalive, ManscdpCmdType.Catalog, ManscdpCmdType.DeviceInfo, ManscdpCmdType.DeviceStatus,
        ManscdpCmdType.RecordInfo, ManscdpCmdType.PresetQuery, ManscdpCmdType.ConfigDownload, ManscdpCmdType.Alarm,
        ManscdpCmdType.MobilePosition, ManscdpCmdType.DeviceControl, ManscdpCmdType.DeviceConfig, ManscdpCmdType.MediaStatus,
        ManscdpCmdType.Broadcast, ManscdpCmdType.UploadSnapShotFinished,
    ];
}

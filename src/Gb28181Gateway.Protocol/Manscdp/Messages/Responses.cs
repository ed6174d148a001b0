using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary><c>Response/DeviceInfo</c>.</summary>
public sealed record DeviceInfoResponse : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Response;

    public override string CmdType => ManscdpCmdType.DeviceInfo;

    public string? DeviceName { get; init; }

    public string? Result { get; init; }

    /// <summary>Vendor device type text (Dahua sends e.g. "SD").</summary>
    public string? DeviceType { get; init; }

    public string? Manufacturer { get; init; }

    public string? Model { get; init; }

    public string? Firmware { get; init; }

    /// <summary>Number of video channels.</summary>
    public int? Channel { get; init; }

    public int? MaxCamera { get; init; }

    public int? MaxAlarm { get; init; }

    internal static DeviceInfoResponse Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new DeviceInfoResponse
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            DeviceName = d.Text(f[F.DeviceName]),
            Result = d.Text(f[F.Result]),
            DeviceType = d.Text(f[F.DeviceType]),
            Manufacturer = d.Text(f[F.Manufacturer]),
            Model = d.Text(f[F.Model]),
            Firmware = d.Text(f[F.Firmware]),
            Channel = ModelReader.Int(d, f[F.Channel], ref ext),
            MaxCamera = ModelReader.Int(d, f[F.MaxCamera], ref ext),
            MaxAlarm = ModelReader.Int(d, f[F.MaxAlarm], ref ext),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("DeviceName"u8, DeviceName);
        writer.Element("Result"u8, Result);
        writer.Element("DeviceType"u8, DeviceType);
        writer.Element("Manufacturer"u8, Manufacturer);
        writer.Element("Model"u8, Model);
        writer.Element("Firmware"u8, Firmware);
        writer.Element("Channel"u8, Channel);
        writer.Element("MaxCamera"u8, MaxCamera);
        writer.Element("MaxAlarm"u8, MaxAlarm);
    }

    private static class F
    {
        public const int DeviceName = 0;
        public const int Result = 1;
        public const int DeviceType = 2;
        public const int Manufacturer = 3;
        public const int Model = 4;
        public const int Firmware = 5;
        public const int Channel = 6;
        public const int MaxCamera = 7;
        public const int MaxAlarm = 8;
    }
}

/// <summary><c>Response/DeviceStatus</c>, with the duty status of the device's alarm inputs.</summary>
public sealed record DeviceStatusResponse : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Response;

    public override string CmdType => ManscdpCmdType.DeviceStatus;

    public string? Result { get; init; }

    /// <summary>ONLINE / OFFLINE.</summary>
    public string? Online { get; init; }

    /// <summary>OK / ERROR.</summary>
    public string? Status { get; init; }

    public string? Reason { get; init; }

    /// <summary>ON / OFF.</summary>
    public string? Encode { get; init; }

    /// <summary>ON / OFF.</summary>
    public string? Record { get; init; }

    public DateTime? DeviceTime { get; init; }

    /// <summary>The <c>Alarmstatus</c> items; null when the element is absent.</summary>
    public IReadOnlyList<AlarmStatusItem>? AlarmStatus { get; init => field = value is null ? null : ValueList<AlarmStatusItem>.From(value); }

    internal static DeviceStatusResponse Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        List<AlarmStatusItem>? alarms = null;
        if (f[F.Alarmstatus] >= 0)
        {
            alarms = [];
            for (var item = d.FirstChild(f[F.Alarmstatus]); item >= 0; item = d.NextSibling(item))
            {
                if (d.NameIs(item, "Item"u8))
                {
                    alarms.Add(new AlarmStatusItem(d.Text(d.Child(item, "DeviceID"u8)) ?? string.Empty, d.Text(d.Child(item, "DutyStatus"u8)) ?? string.Empty));
                }
            }
        }

        return new DeviceStatusResponse
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            Result = d.Text(f[F.Result]),
            Online = d.Text(f[F.Online]),
            Status = d.Text(f[F.Status]),
            Reason = d.Text(f[F.Reason]),
            Encode = d.Text(f[F.Encode]),
            Record = d.Text(f[F.Record]),
            DeviceTime = ModelReader.Time(d, f[F.DeviceTime], ref ext),
            AlarmStatus = alarms is null ? null : ValueList<AlarmStatusItem>.Adopt(alarms),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("Result"u8, Result);
        writer.Element("Online"u8, Online);
        writer.Element("Status"u8, Status);
        writer.Element("Reason"u8, Reason);
        writer.Element("Encode"u8, Encode);
        writer.Element("Record"u8, Record);
        writer.Element("DeviceTime"u8, DeviceTime);
        if (AlarmStatus is not null)
        {
            writer.Start("Alarmstatus"u8, "Num"u8, AlarmStatus.Count);
            foreach (var item in AlarmStatus)
            {
                writer.Start("Item"u8);
                writer.Element("DeviceID"u8, item.DeviceId);
                writer.Element("DutyStatus"u8, item.DutyStatus);
                writer.End("Item"u8);
            }

            writer.End("Alarmstatus"u8);
        }
    }

    private static class F
    {
        public const int Result = 0;
        public const int Online = 1;
        public const int Status = 2;
        public const int Reason = 3;
        public const int Encode = 4;
        public const int Record = 5;
        public const int DeviceTime = 6;
        public const int Alarmstatus = 7;
    }
}

/// <summary>The duty status of one alarm input: ONDUTY, OFFDUTY or ALARM.</summary>
public sealed record AlarmStatusItem(string DeviceId, string DutyStatus);

/// <summary><c>Response/PresetQuery</c>.</summary>
public sealed record PresetQueryResponse : ManscdpMessage
{
    public override ManscdpRoot Root => ManscdpRoot.Response;

    public override string CmdType => ManscdpCmdType.PresetQuery;

    public IReadOnlyList<PresetItem> Items { get; init => field = ValueList<PresetItem>.From(value); } = ValueList<PresetItem>.Empty;

    internal static PresetQueryResponse Read(in XmlDocument d, in HeaderValues h)
    {
        List<ManscdpElement>? ext = null;
        List<PresetItem>? items = null;
        for (var child = d.FirstChild(0); child >= 0; child = d.NextSibling(child))
        {
            if (ModelReader.IsHeader(d.Name(child)))
            {
                continue;
            }

            if (d.NameIs(child, "PresetList"u8) && items is null)
            {
                items = [];
                for (var item = d.FirstChild(child); item >= 0; item = d.NextSibling(item))
                {
                    if (d.NameIs(item, "Item"u8))
                    {
                        items.Add(new PresetItem(d.Text(d.Child(item, "PresetID"u8)) ?? string.Empty, d.Text(d.Child(item, "PresetName"u8)) ?? string.Empty));
                    }
                }
            }
            else
            {
                (ext ??= []).Add(d.ToElement(child));
            }
        }

        return new PresetQueryResponse { Sn = h.Sn, DeviceId = h.DeviceId, Items = ValueList<PresetItem>.Adopt(items), Extensions = ValueList<ManscdpElement>.Adopt(ext) };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Start("PresetList"u8, "Num"u8, Items.Count);
        foreach (var item in Items)
        {
            writer.Start("Item"u8);
            writer.Element("PresetID"u8, item.PresetId);
            writer.Element("PresetName"u8, item.PresetName);
            writer.End("Item"u8);
        }

        writer.End("PresetList"u8);
    }
}

/// <summary>One preset: its number (1-255, as text) and name.</summary>
public sealed record PresetItem(string PresetId, string PresetName);

/// <summary>
/// <c>Response/ConfigDownload</c>: one response per requested type. BasicParam is modelled; the other
/// configurations (VideoParamOpt, SVAC ...) are kept as element trees in the extensions.
/// </summary>
public sealed record ConfigDownloadResponse : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Response;

    public override string CmdType => ManscdpCmdType.ConfigDownload;

    public string? Result { get; init; }

    public BasicParam? BasicParam { get; init; }

    internal static ConfigDownloadResponse Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new ConfigDownloadResponse
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            Result = d.Text(f[F.Result]),
            BasicParam = BasicParam.Read(d, f[F.BasicParam]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("Result"u8, Result);
        BasicParam?.Write(writer);
    }

    private static class F
    {
        public const int Result = 0;
        public const int BasicParam = 1;
    }
}

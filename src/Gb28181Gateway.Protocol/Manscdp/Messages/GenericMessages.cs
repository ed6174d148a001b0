using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>The parsed header handed to every model reader.</summary>
internal readonly record struct HeaderValues(long Sn, string DeviceId);

/// <summary>
/// A <c>Response</c> that only carries a <c>Result</c>: the answer to DeviceControl, DeviceConfig, Alarm,
/// Broadcast, Keepalive, MobilePosition and catalog/alarm NOTIFY messages.
/// </summary>
public sealed record ManscdpResult : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    /// <param name="cmdType">The CmdType being answered, e.g. <see cref="ManscdpCmdType.DeviceControl"/>.</param>
    public ManscdpResult(string cmdType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cmdType);
        CmdType = cmdType;
    }

    public override ManscdpRoot Root => ManscdpRoot.Response;

    public override string CmdType { get; }

    /// <summary><c>OK</c> or <c>ERROR</c>.</summary>
    public string Result { get; init; } = "OK";

    /// <summary>Why it failed (2022 adds <c>Reason</c> to ERROR results); usually absent.</summary>
    public string? Reason { get; init; }

    public bool IsOk => string.Equals(Result, "OK", StringComparison.OrdinalIgnoreCase);

    /// <summary>An OK answer to (<paramref name="cmdType"/>, <paramref name="sn"/>) about <paramref name="deviceId"/>.</summary>
    public static ManscdpResult Ok(string cmdType, long sn, string deviceId) => new(cmdType) { Sn = sn, DeviceId = deviceId };

    /// <summary>An ERROR answer, with an optional reason.</summary>
    public static ManscdpResult Error(string cmdType, long sn, string deviceId, string? reason = null) =>
        new(cmdType) { Sn = sn, DeviceId = deviceId, Result = "ERROR", Reason = reason };

    internal static ManscdpResult Read(in XmlDocument d, string cmdType, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new ManscdpResult(cmdType)
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            Result = d.Text(f[F.Result]) ?? string.Empty,
            Reason = d.Text(f[F.Reason]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("Result"u8, Result);
        writer.Element("Reason"u8, Reason);
    }

    private static class F
    {
        public const int Result = 0;
        public const int Reason = 1;
    }
}

/// <summary>
/// A message whose (root, CmdType) no model covers (2022 HomePositionQuery, CruiseTrackQuery, SDCardStatus,
/// vendor commands ...), kept whole: every element after CmdType/SN/DeviceID is in <see cref="ManscdpMessage.Extensions"/>.
/// </summary>
public sealed record ManscdpUnknownMessage : ManscdpMessage
{
    public ManscdpUnknownMessage(ManscdpRoot root, string cmdType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cmdType);
        Root = root;
        CmdType = cmdType;
    }

    public override ManscdpRoot Root { get; }

    public override string CmdType { get; }

    private protected override bool HasDeviceId => false;

    internal static ManscdpUnknownMessage Read(in XmlDocument d, ManscdpRoot root, string cmdType, in HeaderValues h)
    {
        List<ManscdpElement>? ext = null;
        for (var child = d.FirstChild(0); child >= 0; child = d.NextSibling(child))
        {
            if (!ModelReader.IsHeader(d.Name(child)))
            {
                (ext ??= []).Add(d.ToElement(child));
            }
        }

        return new ManscdpUnknownMessage(root, cmdType) { Sn = h.Sn, DeviceId = h.DeviceId, Extensions = ValueList<ManscdpElement>.Adopt(ext) };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
    }
}

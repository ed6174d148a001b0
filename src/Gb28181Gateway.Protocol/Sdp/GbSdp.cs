namespace Gb28181Gateway.Protocol.Sdp;

/// <summary>What the gateway puts in its own offer (INVITE toward a device).</summary>
public sealed record SdpOfferOptions
{
    public required SdpSessionKind Kind { get; init; }

    /// <summary>The <c>o=</c> username: the gateway's (or platform's) ID.</summary>
    public required string OriginId { get; init; }

    /// <summary>The address media is received on (o= and c=).</summary>
    public required string Address { get; init; }

    public required int Port { get; init; }

    /// <summary>UDP, TCP with the gateway listening (passive) or connecting (active).</summary>
    public SdpTransport Transport { get; init; }

    /// <summary>The SSRC to ask for (<c>y=</c>).</summary>
    public Ssrc? Ssrc { get; init; }

    /// <summary>Playback/Download: the channel whose recording is wanted (written as <c>u=&lt;id&gt;:0</c>).</summary>
    public string? ChannelId { get; init; }

    /// <summary>Playback/Download: Unix seconds.</summary>
    public ulong StartTime { get; init; }

    /// <summary>Playback/Download: Unix seconds.</summary>
    public ulong StopTime { get; init; }

    /// <summary>Download: speed factor (a=downloadspeed).</summary>
    public int? DownloadSpeed { get; init; }

    /// <summary>2022 stream choice (a=streamnumber; 0 main, 1 sub).</summary>
    public int? StreamNumber { get; init; }

    /// <summary>The codecs offered, in preference order. Defaults: video PS/90000 (96), MPEG4/90000 (97), H264/90000 (98); Talk: PCMA/8000 (8).</summary>
    public IReadOnlyList<SdpRtpMap>? Codecs { get; init; }
}

/// <summary>What the gateway puts in an answer to an offer it accepts (an upper platform's INVITE, a device's talk INVITE).</summary>
public sealed record SdpAnswerOptions
{
    public required string OriginId { get; init; }

    /// <summary>The address the gateway sends from / listens on.</summary>
    public required string Address { get; init; }

    public required int Port { get; init; }

    /// <summary>The SSRC the gateway will really send (<c>y=</c>); platforms demultiplex on it.</summary>
    public Ssrc? Ssrc { get; init; }

    /// <summary>Codec names the gateway can send, in preference order; the offer's payload number is kept. Default: PS, H264, H265, MPEG4, PCMA, PCMU.</summary>
    public IReadOnlyList<string>? Codecs { get; init; }

    /// <summary>When the offer says <c>a=setup:actpass</c> (or TCP without setup): take the active side (connect) instead of passive.</summary>
    public bool PreferActive { get; init; }

    /// <summary>Download answers: the file size (a=filesize).</summary>
    public long? FileSize { get; init; }
}

/// <summary>Builds the gateway's own GB28181 SDP offers and answers, and matches codecs by name.</summary>
public static class GbSdp
{
    private static readonly string[] DefaultAnswerCodecs = ["PS", "H264", "H265", "MPEG4", "PCMA", "PCMU"];

    /// <summary>An offer for Play, Playback, Download or Talk, receiving media (a=recvonly).</summary>
    public static SdpSession CreateOffer(SdpOfferOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Kind == SdpSessionKind.Unknown)
        {
            throw new ArgumentException("the offer needs a session kind (Play, Playback, Download or Talk)", nameof(options));
        }

        var history = options.Kind is SdpSessionKind.Playback or SdpSessionKind.Download;
        if (history && string.IsNullOrEmpty(options.ChannelId))
        {
            throw new ArgumentException($"a {options.Kind} offer needs the ChannelId (u= line)", nameof(options));
        }

        var talk = options.Kind == SdpSessionKind.Talk;
        var codecs = options.Codecs ?? (talk
            ? [new SdpRtpMap(8, "PCMA", 8000)]
            : [new SdpRtpMap(96, "PS", 90000), new SdpRtpMap(97, "MPEG4", 90000), new SdpRtpMap(98, "H264", 90000)]);
        var tcp = options.Transport != SdpTransport.Udp;
        var media = new SdpMedia
        {
            MediaType = talk ? "audio" : "video",
            Port = options.Port,
            Protocol = tcp ? "TCP/RTP/AVP" : "RTP/AVP",
            Formats = codecs.Select(c => c.PayloadType).ToArray(),
            Direction = SdpDirection.RecvOnly,
            RtpMaps = codecs,
            Setup = options.Transport switch
            {
                SdpTransport.TcpPassive => SdpSetup.Passive,
                SdpTransport.TcpActive => SdpSetup.Active,
                _ => SdpSetup.None,
            },
            ConnectionMode = tcp ? "new" : null,
            DownloadSpeed = options.Kind == SdpSessionKind.Download ? options.DownloadSpeed : null,
            StreamNumber = options.StreamNumber,
        };
        return new SdpSession
        {
            Origin = SdpOrigin.Create(options.OriginId, options.Address),
            SessionName = options.Kind.ToString(),
            MediaSource = history ? options.ChannelId + ":0" : null,
            Connection = SdpConnection.Create(options.Address),
            StartTime = history ? options.StartTime : 0,
            StopTime = history ? options.StopTime : 0,
            Media = [media],
            Ssrc = options.Ssrc?.ToString(),
        };
    }

    /// <summary>
    /// Answers <paramref name="offer"/>: same session name and times, the first offered codec the gateway
    /// supports (by name; the offer's payload number is kept), the opposite direction, the opposite TCP role
    /// (RFC 4145), and the gateway's SSRC. False when no m= section has a codec in common.
    /// </summary>
    public static bool TryCreateAnswer(SdpSession offer, SdpAnswerOptions options, out SdpSession answer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(options);
        answer = null!;
        var preference = options.Codecs ?? DefaultAnswerCodecs;
        foreach (var offered in offer.Media)
        {
            var codec = SelectCodec(offered, preference);
            if (codec is null)
            {
                continue;
            }

            var media = new SdpMedia
            {
                MediaType = offered.MediaType,
                Port = options.Port,
                Protocol = offered.Protocol,
                Formats = [codec.PayloadType],
                Direction = offered.Direction switch
                {
                    SdpDirection.RecvOnly => SdpDirection.SendOnly,
                    SdpDirection.SendOnly => SdpDirection.RecvOnly,
                    SdpDirection.Inactive => SdpDirection.Inactive,
                    _ => SdpDirection.SendRecv,
                },
                RtpMaps = [codec],
                Setup = !offered.IsTcp ? SdpSetup.None : offered.Setup switch
                {
                    SdpSetup.Active => SdpSetup.Passive,
                    SdpSetup.Passive => SdpSetup.Active,
                    _ => options.PreferActive ? SdpSetup.Active : SdpSetup.Passive,
                },
                ConnectionMode = offered.IsTcp ? "new" : null,
                FileSize = offer.Kind == SdpSessionKind.Download ? options.FileSize : null,
                StreamNumber = offered.StreamNumber,
                StreamNumberName = offered.StreamNumberName,
            };
            answer = new SdpSession
            {
                Origin = SdpOrigin.Create(options.OriginId, options.Address),
                SessionName = offer.SessionName,
                Connection = SdpConnection.Create(options.Address),
                StartTime = offer.StartTime,
                StopTime = offer.StopTime,
                Media = [media],
                Ssrc = options.Ssrc?.ToString() ?? offer.Ssrc,
                Format = offer.Format,
            };
            return true;
        }

        return false;
    }

    /// <inheritdoc cref="TryCreateAnswer"/>
    public static SdpSession CreateAnswer(SdpSession offer, SdpAnswerOptions options) =>
        TryCreateAnswer(offer, options, out var answer)
            ? answer
            : throw new ArgumentException($"the offer has no codec the gateway supports ({string.Join(", ", options.Codecs ?? DefaultAnswerCodecs)})", nameof(offer));

    /// <summary>The first of <paramref name="preference"/> (codec names, in order) that <paramref name="media"/> offers, with the offer's payload number.</summary>
    public static SdpRtpMap? SelectCodec(SdpMedia media, IEnumerable<string> preference)
    {
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(preference);
        foreach (var name in preference)
        {
            if (media.FindCodec(name) is { } codec)
            {
                return codec;
            }
        }

        return null;
    }
}

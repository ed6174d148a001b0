namespace Gb28181Gateway.Protocol;

/// <summary>
/// The INVITE <c>Subject</c> header: <c>&lt;sender id&gt;:&lt;sender stream&gt;,&lt;receiver id&gt;:&lt;receiver stream&gt;</c>;
/// for a play request <c>&lt;channelId&gt;:&lt;ssrc&gt;,&lt;platformId&gt;:0</c>. The stream parts are kept as text:
/// devices put 20-digit or hex values there, and a talk INVITE reverses the roles.
/// </summary>
public readonly record struct InviteSubject(string SenderId, string SenderStream, string ReceiverId, string ReceiverStream)
{
    /// <summary>The subject of a play/playback/download INVITE: media from <paramref name="channelId"/> under <paramref name="ssrc"/> to <paramref name="receiverId"/>.</summary>
    public static InviteSubject ForMedia(string channelId, Ssrc ssrc, string receiverId) => new(channelId, ssrc.ToString(), receiverId, "0");

    /// <summary>
    /// Reads the header value. The receiver part is optional (some devices send only the sender); each part
    /// needs an ID, the ':' and stream may be missing. Throws a <see cref="FormatException"/> naming the problem.
    /// </summary>
    public static InviteSubject Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var subject) ? subject : throw new FormatException($"Subject '{text}' is not '<sender id>:<stream>,<receiver id>:<stream>'");

    public static bool TryParse(ReadOnlySpan<char> text, out InviteSubject subject)
    {
        subject = default;
        text = text.Trim();
        var comma = text.IndexOf(',');
        var sender = comma < 0 ? text : text[..comma];
        var receiver = comma < 0 ? ReadOnlySpan<char>.Empty : text[(comma + 1)..];
        if (!TryPart(sender, out var senderId, out var senderStream) || senderId.Length == 0)
        {
            return false;
        }

        if (!TryPart(receiver, out var receiverId, out var receiverStream))
        {
            return false;
        }

        subject = new InviteSubject(senderId, senderStream, receiverId, receiverStream);
        return true;
    }

    /// <summary>The sender stream as an SSRC, when it is one (10 digits).</summary>
    public bool TryGetSsrc(out Ssrc ssrc) => Ssrc.TryParse(SenderStream, out ssrc);

    public override string ToString() => $"{SenderId}:{SenderStream},{ReceiverId}:{ReceiverStream}";

    private static bool TryPart(ReadOnlySpan<char> part, out string id, out string stream)
    {
        part = part.Trim();
        var colon = part.IndexOf(':');
        var idPart = (colon < 0 ? part : part[..colon]).Trim();
        var streamPart = colon < 0 ? ReadOnlySpan<char>.Empty : part[(colon + 1)..].Trim();
        id = idPart.ToString();
        stream = streamPart.ToString();
        return idPart.IndexOfAny(" \t,:") < 0 && streamPart.IndexOfAny(" \t,:") < 0;
    }
}

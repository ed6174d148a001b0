using System.Text;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>
/// SIP method names. Known methods are interned so parsing them allocates nothing; method names are
/// case-sensitive (RFC 3261 §7.1), so "invite" is an extension method, not INVITE.
/// </summary>
public static class SipMethod
{
    public const string Invite = "INVITE";
    public const string Ack = "ACK";
    public const string Bye = "BYE";
    public const string Cancel = "CANCEL";
    public const string Register = "REGISTER";
    public const string Options = "OPTIONS";
    public const string Info = "INFO";
    public const string Message = "MESSAGE";
    public const string Subscribe = "SUBSCRIBE";
    public const string Notify = "NOTIFY";
    public const string Update = "UPDATE";
    public const string Prack = "PRACK";
    public const string Refer = "REFER";
    public const string Publish = "PUBLISH";

    /// <summary>Returns the interned name for a known method, or a new string for an extension method.</summary>
    public static string FromUtf8(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 when name.SequenceEqual("ACK"u8) => Ack,
        3 when name.SequenceEqual("BYE"u8) => Bye,
        4 when name.SequenceEqual("INFO"u8) => Info,
        5 when name.SequenceEqual("PRACK"u8) => Prack,
        5 when name.SequenceEqual("REFER"u8) => Refer,
        6 when name.SequenceEqual("INVITE"u8) => Invite,
        6 when name.SequenceEqual("CANCEL"u8) => Cancel,
        6 when name.SequenceEqual("NOTIFY"u8) => Notify,
        6 when name.SequenceEqual("UPDATE"u8) => Update,
        7 when name.SequenceEqual("MESSAGE"u8) => Message,
        7 when name.SequenceEqual("OPTIONS"u8) => Options,
        7 when name.SequenceEqual("PUBLISH"u8) => Publish,
        8 when name.SequenceEqual("REGISTER"u8) => Register,
        9 when name.SequenceEqual("SUBSCRIBE"u8) => Subscribe,
        _ => Encoding.ASCII.GetString(name),
    };
}

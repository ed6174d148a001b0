namespace Gb28181Gateway.Protocol;

/// <summary>A MANSCDP (GB28181 XML) body that cannot be read; the message says what was wrong and where.</summary>
public sealed class ManscdpFormatException : FormatException
{
    public ManscdpFormatException()
        : base("malformed MANSCDP body")
    {
    }

    public ManscdpFormatException(string message)
        : base(message)
    {
    }

    public ManscdpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An SDP body (GB28181 flavour) that cannot be read.</summary>
public sealed class SdpFormatException : FormatException
{
    public SdpFormatException()
        : base("malformed SDP body")
    {
    }

    public SdpFormatException(string message)
        : base(message)
    {
    }

    public SdpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A MANSRTSP (playback control) body that cannot be read.</summary>
public sealed class MansrtspFormatException : FormatException
{
    public MansrtspFormatException()
        : base("malformed MANSRTSP body")
    {
    }

    public MansrtspFormatException(string message)
        : base(message)
    {
    }

    public MansrtspFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Gb28181Gateway.Media.Framing;

/// <summary>
/// The receive buffer of one TCP media connection: the socket reads into <see cref="GetReadMemory"/>, frames
/// come out of <see cref="TryRead"/> in place. Bounded: the buffer holds two maximal frames, a partial frame
/// is moved to the front only when a maximal frame would no longer fit behind it, so no frame ever needs more
/// room than there is. Every packet handed out has at least 2 writable bytes before it (its own framing), where
/// a TCP egress writes its RFC 4571 length.
/// </summary>
internal sealed class RtpTcpFrameReader
{
    public const int BufferLength = 2 * RtpTcpFrameScanner.MaxFrameLength;

    private readonly byte[] _buffer;
    private int _start;
    private int _end;
    private TcpFraming _framing;

    public RtpTcpFrameReader(byte[] buffer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, BufferLength);
        _buffer = buffer;
    }

    public byte[] Buffer => _buffer;

    public TcpFraming Framing => _framing;

    /// <summary>Bytes received and not yet returned as frames.</summary>
    public int Buffered => _end - _start;

    /// <summary>Where the next socket read goes; never empty.</summary>
    public Memory<byte> GetReadMemory()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_buffer.Length - _start < RtpTcpFrameScanner.MaxFrameLength)
        {
            var pending = _end - _start;
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _start = 0;
            _end = pending;
        }

        return _buffer.AsMemory(_end);
    }

    /// <summary>Records <paramref name="count"/> bytes received into <see cref="GetReadMemory"/>.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _end);
        _end += count;
    }

    /// <summary>
    /// The next whole frame: its packet is <c>Buffer[offset..offset+length]</c> (length may be 0 for an empty
    /// RFC 4571 frame) and stays valid until the next <see cref="GetReadMemory"/>.
    /// </summary>
    public FrameScanStatus TryRead(out int offset, out int length)
    {
        var status = RtpTcpFrameScanner.Scan(_buffer.AsSpan(_start, _end - _start), ref _framing, out var header, out length);
        if (status != FrameScanStatus.Complete)
        {
            offset = 0;
            length = 0;
            return status;
        }

        offset = _start + header;
        _start = offset + length;
        return status;
    }
}

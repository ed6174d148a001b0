using System.Globalization;

namespace Gb28181Gateway.Protocol.Ptz;

/// <summary>
/// The GB28181 PTZCmd: 8 bytes written as 16 hex digits.
/// B1 <c>A5</c>; B2 <c>(version &lt;&lt; 4) | ((0xA + 0x5 + version) &amp; 0xF)</c>; B3 address low 8 bits;
/// B4 command; B5 data 1; B6 data 2; B7 <c>(data3 &lt;&lt; 4) | address high 4 bits</c>; B8 sum of B1-B7 mod 256.
/// Parsing verifies the header, the version check nibble and the checksum. A cascade forwards the command
/// unchanged; the typed factories and views are for building and showing commands.
/// </summary>
public readonly record struct PtzCommand
{
    private const byte Header = 0xA5;

    /// <summary>Builds a command from its fields (see the factories for the meaningful combinations).</summary>
    /// <param name="address">Device address, 0-4095 (12 bits: B3 and the low nibble of B7).</param>
    /// <param name="code">The command byte B4.</param>
    /// <param name="data1">B5.</param>
    /// <param name="data2">B6.</param>
    /// <param name="data3">The high nibble of B7, 0-15.</param>
    /// <param name="version">The protocol version nibble of B2 (0 for GB28181).</param>
    public PtzCommand(int address, byte code, byte data1, byte data2, int data3, int version = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(address);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(address, 0xFFF);
        ArgumentOutOfRangeException.ThrowIfNegative(data3);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data3, 0xF);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(version, 0xF);
        Address = address;
        Code = code;
        Data1 = data1;
        Data2 = data2;
        Data3 = (byte)data3;
        Version = (byte)version;
    }

    public int Address { get; }

    public byte Code { get; }

    public byte Data1 { get; }

    public byte Data2 { get; }

    public byte Data3 { get; }

    public byte Version { get; }

    public PtzCommandKind Kind => Code switch
    {
        0x00 => PtzCommandKind.Stop,
        < 0x40 => PtzCommandKind.PanTiltZoom,
        < 0x50 => PtzCommandKind.FocusIris,
        >= 0x81 and <= 0x83 => PtzCommandKind.Preset,
        >= 0x84 and <= 0x88 => PtzCommandKind.Cruise,
        0x89 or 0x8A => PtzCommandKind.Scan,
        0x8C or 0x8D => PtzCommandKind.Auxiliary,
        _ => PtzCommandKind.Other,
    };

    /// <summary>Directions of a pan/tilt/zoom command (None otherwise).</summary>
    public PtzMotion Motion => Kind == PtzCommandKind.PanTiltZoom ? (PtzMotion)(Code & 0x3F) : PtzMotion.None;

    /// <summary>Focus/iris actions of an FI command (None otherwise).</summary>
    public FocusIrisMotion FocusIris => Kind == PtzCommandKind.FocusIris ? (FocusIrisMotion)(Code & 0x0F) : FocusIrisMotion.None;

    /// <summary>PTZ: horizontal speed (B5).</summary>
    public int PanSpeed => Data1;

    /// <summary>PTZ: vertical speed (B6).</summary>
    public int TiltSpeed => Data2;

    /// <summary>PTZ: zoom speed (high nibble of B7).</summary>
    public int ZoomSpeed => Data3;

    /// <summary>FI: focus speed (B5).</summary>
    public int FocusSpeed => Data1;

    /// <summary>FI: iris speed (B6).</summary>
    public int IrisSpeed => Data2;

    /// <summary>Preset, cruise point: the preset number (B6).</summary>
    public int PresetNumber => Data2;

    /// <summary>Cruise/scan: the group number (B5); auxiliary: the switch number (B5).</summary>
    public int Group => Data1;

    /// <summary>Cruise speed / dwell time / scan speed: the 12-bit value (B6 low, B7 high nibble).</summary>
    public int Value12 => Data2 | (Data3 << 8);

    public static PtzCommand Stop(int address = 0) => new(address, 0x00, 0, 0, 0);

    /// <summary>Pan/tilt/zoom. Opposite directions together (Left|Right, Up|Down, ZoomIn|ZoomOut) are refused.</summary>
    public static PtzCommand Move(PtzMotion motion, int panSpeed, int tiltSpeed, int zoomSpeed, int address = 0)
    {
        if ((int)motion is < 0 or > 0x3F)
        {
            throw new ArgumentOutOfRangeException(nameof(motion), motion, "not a combination of PTZ directions");
        }

        if (motion.HasFlag(PtzMotion.Left | PtzMotion.Right) || motion.HasFlag(PtzMotion.Up | PtzMotion.Down) || motion.HasFlag(PtzMotion.ZoomIn | PtzMotion.ZoomOut))
        {
            throw new ArgumentException($"{motion} combines opposite directions", nameof(motion));
        }

        return new PtzCommand(address, (byte)motion, Speed(panSpeed, nameof(panSpeed)), Speed(tiltSpeed, nameof(tiltSpeed)), zoomSpeed);
    }

    /// <summary>Focus/iris. FocusFar|FocusNear or IrisOpen|IrisClose together are refused.</summary>
    public static PtzCommand FocusIrisControl(FocusIrisMotion motion, int focusSpeed, int irisSpeed, int address = 0)
    {
        if ((int)motion is < 0 or > 0x0F)
        {
            throw new ArgumentOutOfRangeException(nameof(motion), motion, "not a combination of focus/iris actions");
        }

        if (motion.HasFlag(FocusIrisMotion.FocusFar | FocusIrisMotion.FocusNear) || motion.HasFlag(FocusIrisMotion.IrisOpen | FocusIrisMotion.IrisClose))
        {
            throw new ArgumentException($"{motion} combines opposite actions", nameof(motion));
        }

        return new PtzCommand(address, (byte)(0x40 | (int)motion), Speed(focusSpeed, nameof(focusSpeed)), Speed(irisSpeed, nameof(irisSpeed)), 0);
    }

    /// <summary>Set, call or delete preset 1-255.</summary>
    public static PtzCommand Preset(PresetAction action, int preset, int address = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(preset, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(preset, 255);
        var code = action switch
        {
            PresetAction.Set => 0x81,
            PresetAction.Call => 0x82,
            PresetAction.Delete => 0x83,
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "unknown preset action"),
        };
        return new PtzCommand(address, (byte)code, 0, (byte)preset, 0);
    }

    /// <summary>A cruise command on <paramref name="group"/>; <paramref name="value"/> is the preset (add/remove), speed or dwell seconds (12 bits), unused for Start.</summary>
    public static PtzCommand Cruise(CruiseAction action, int group, int value = 0, int address = 0)
    {
        var g = Speed(group, nameof(group));
        return action switch
        {
            CruiseAction.AddPoint => new PtzCommand(address, 0x84, g, Speed(value, nameof(value)), 0),
            CruiseAction.RemovePoint => new PtzCommand(address, 0x85, g, Speed(value, nameof(value)), 0),
            CruiseAction.SetSpeed => Twelve(address, 0x86, g, value),
            CruiseAction.SetDwellTime => Twelve(address, 0x87, g, value),
            CruiseAction.Start => new PtzCommand(address, 0x88, g, 0, 0),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "unknown cruise action"),
        };
    }

    /// <summary>An auto-scan command on <paramref name="group"/>; <paramref name="speed"/> (12 bits) only for SetSpeed.</summary>
    public static PtzCommand Scan(ScanAction action, int group, int speed = 0, int address = 0)
    {
        var g = Speed(group, nameof(group));
        return action switch
        {
            ScanAction.Start => new PtzCommand(address, 0x89, g, 0, 0),
            ScanAction.SetLeftBoundary => new PtzCommand(address, 0x89, g, 1, 0),
            ScanAction.SetRightBoundary => new PtzCommand(address, 0x89, g, 2, 0),
            ScanAction.SetSpeed => Twelve(address, 0x8A, g, speed),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "unknown scan action"),
        };
    }

    /// <summary>Switches auxiliary switch <paramref name="number"/> (wiper, light ...) on or off.</summary>
    public static PtzCommand Auxiliary(int number, bool on, int address = 0) =>
        new(address, on ? (byte)0x8C : (byte)0x8D, Speed(number, nameof(number)), 0, 0);

    /// <summary>Reads 16 hex digits (either case, surrounding whitespace ignored) and verifies header, version and checksum.</summary>
    public static PtzCommand Parse(ReadOnlySpan<char> hex) =>
        TryParse(hex, out var command, out var error) ? command : throw new FormatException(error);

    public static bool TryParse(ReadOnlySpan<char> hex, out PtzCommand command) => TryParse(hex, out command, out _);

    /// <summary>Like <see cref="Parse"/>; on failure <paramref name="error"/> says what was wrong.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out PtzCommand command, out string? error)
    {
        command = default;
        var text = hex.Trim();
        if (text.Length != 16)
        {
            error = $"PTZCmd '{text}' must be 16 hex digits (8 bytes), not {text.Length} characters";
            return false;
        }

        Span<byte> b = stackalloc byte[8];
        for (var i = 0; i < 8; i++)
        {
            if (!byte.TryParse(text.Slice(i * 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out b[i]))
            {
                error = $"PTZCmd '{text}' has a non-hex character in byte {i + 1}";
                return false;
            }
        }

        if (b[0] != Header)
        {
            error = $"PTZCmd '{text}' must start with A5, not {b[0]:X2}";
            return false;
        }

        var version = b[1] >> 4;
        if ((b[1] & 0xF) != (0xA + 0x5 + version & 0xF))
        {
            error = $"PTZCmd '{text}': byte 2 ({b[1]:X2}) is not a valid version/check byte (version {version} needs {(version << 4) | (0xA + 0x5 + version & 0xF):X2})";
            return false;
        }

        var sum = Checksum(b);
        if (b[7] != sum)
        {
            error = $"PTZCmd '{text}': checksum byte is {b[7]:X2}, expected {sum:X2}";
            return false;
        }

        command = new PtzCommand(b[2] | ((b[6] & 0xF) << 8), b[3], b[4], b[5], b[6] >> 4, version);
        error = null;
        return true;
    }

    /// <summary>The 8 bytes, checksum included.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        if (destination.Length < 8)
        {
            throw new ArgumentException("a PTZCmd is 8 bytes", nameof(destination));
        }

        destination[0] = Header;
        destination[1] = (byte)((Version << 4) | (0xA + 0x5 + Version & 0xF));
        destination[2] = (byte)(Address & 0xFF);
        destination[3] = Code;
        destination[4] = Data1;
        destination[5] = Data2;
        destination[6] = (byte)((Data3 << 4) | (Address >> 8));
        destination[7] = Checksum(destination);
    }

    /// <summary>The 16 upper-case hex digits that go in <c>&lt;PTZCmd&gt;</c>.</summary>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[8];
        WriteBytes(b);
        return Convert.ToHexString(b);
    }

    private static byte Checksum(ReadOnlySpan<byte> b)
    {
        var sum = 0;
        for (var i = 0; i < 7; i++)
        {
            sum += b[i];
        }

        return (byte)(sum & 0xFF);
    }

    private static byte Speed(int value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 255, name);
        return (byte)value;
    }

    private static PtzCommand Twelve(int address, byte code, byte group, int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 0xFFF);
        return new PtzCommand(address, code, group, (byte)(value & 0xFF), value >> 8);
    }
}

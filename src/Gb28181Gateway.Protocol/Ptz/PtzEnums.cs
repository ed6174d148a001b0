namespace Gb28181Gateway.Protocol.Ptz;

/// <summary>What a PTZCmd does, from its command byte (B4).</summary>
public enum PtzCommandKind
{
    /// <summary>0x00: stop every motion (also stops a cruise or scan).</summary>
    Stop = 0,

    /// <summary>0x01-0x3F: pan, tilt, zoom.</summary>
    PanTiltZoom,

    /// <summary>0x40-0x4F: focus and iris.</summary>
    FocusIris,

    /// <summary>0x81 set, 0x82 call, 0x83 delete.</summary>
    Preset,

    /// <summary>0x84-0x88.</summary>
    Cruise,

    /// <summary>0x89, 0x8A.</summary>
    Scan,

    /// <summary>0x8C on, 0x8D off.</summary>
    Auxiliary,

    /// <summary>Any other command byte (vendor extensions): kept and forwarded as is.</summary>
    Other,
}

/// <summary>Pan/tilt/zoom directions: the low six bits of B4.</summary>
[Flags]
public enum PtzMotion
{
    None = 0,
    Right = 0x01,
    Left = 0x02,
    Down = 0x04,
    Up = 0x08,
    ZoomIn = 0x10,
    ZoomOut = 0x20,
}

/// <summary>Focus and iris: the low four bits of an FI command (0x4X).</summary>
[Flags]
public enum FocusIrisMotion
{
    None = 0,
    FocusFar = 0x01,
    FocusNear = 0x02,
    IrisOpen = 0x04,
    IrisClose = 0x08,
}

/// <summary>Preset commands.</summary>
public enum PresetAction
{
    /// <summary>0x81: store the current position as the preset.</summary>
    Set = 0,

    /// <summary>0x82: move to the preset.</summary>
    Call = 1,

    /// <summary>0x83: delete the preset.</summary>
    Delete = 2,
}

/// <summary>Cruise (tour) commands.</summary>
public enum CruiseAction
{
    /// <summary>0x84: add a preset to the cruise group (B5 group, B6 preset).</summary>
    AddPoint = 0,

    /// <summary>0x85: remove a preset from the group (preset 0 removes the whole cruise).</summary>
    RemovePoint = 1,

    /// <summary>0x86: cruise speed (12 bits: B6 low 8, B7 high nibble).</summary>
    SetSpeed = 2,

    /// <summary>0x87: dwell time per point in seconds (12 bits).</summary>
    SetDwellTime = 3,

    /// <summary>0x88: start cruising the group.</summary>
    Start = 4,
}

/// <summary>Auto-scan commands.</summary>
public enum ScanAction
{
    /// <summary>0x89 with B6 = 0: start scanning.</summary>
    Start = 0,

    /// <summary>0x89 with B6 = 1: set the left boundary at the current position.</summary>
    SetLeftBoundary = 1,

    /// <summary>0x89 with B6 = 2: set the right boundary at the current position.</summary>
    SetRightBoundary = 2,

    /// <summary>0x8A: scan speed (12 bits).</summary>
    SetSpeed = 3,
}

namespace Gb28181Gateway.Protocol;

/// <summary>
/// The type code of a 20-digit ID (digits 11-13), GB/T 28181 Appendix D. The enum value is the code itself,
/// so codes without a name here (vendor or reserved ranges) are still representable.
/// </summary>
public enum DeviceType
{
    /// <summary>Not a 20-digit ID (no type code).</summary>
    None = 0,

    Dvr = 111,
    VideoServer = 112,
    Encoder = 113,
    Decoder = 114,
    VideoSwitchingMatrix = 115,
    AudioSwitchingMatrix = 116,
    AlarmController = 117,
    Nvr = 118,

    /// <summary>Hybrid video recorder (2022).</summary>
    Hvr = 130,
    Camera = 131,
    Ipc = 132,
    Display = 133,
    AlarmInput = 134,
    AlarmOutput = 135,
    VoiceInput = 136,
    VoiceOutput = 137,
    MobileTransmitter = 138,
    OtherPeripheral = 139,

    /// <summary>Central signalling server: platforms and gateways register with this type.</summary>
    SipServer = 200,
    WebApplicationServer = 201,
    MediaDistributionServer = 202,
    ProxyServer = 203,
    SecurityServer = 204,
    AlarmServer = 205,
    DatabaseServer = 206,
    GisServer = 207,
    ManagementServer = 208,
    AccessGateway = 209,
    MediaStorageServer = 210,
    SignallingSecurityRoutingGateway = 211,
    BusinessGroup = 215,
    VirtualOrganization = 216,
    CentralUser = 300,
    TerminalUser = 400,
}

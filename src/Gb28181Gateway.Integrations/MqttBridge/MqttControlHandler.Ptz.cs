using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Ptz;
using static Gb28181Gateway.Integrations.MqttBridge.MqttControlResponse;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>ptz.control and preset.control: a DeviceControl with the PTZCmd built by the Protocol PTZ codec.</summary>
internal sealed partial class MqttControlHandler
{
    private static readonly string[] PtzCommands =
    [
        "left", "right", "up", "down", "upLeft", "upRight", "downLeft", "downRight",
        "zoomIn", "zoomOut", "focusNear", "focusFar", "irisOpen", "irisClose", "stop",
    ];

    private static readonly string[] PresetActions = ["set", "goto", "delete"];

    private const int DefaultSpeed = 128;

    private Task<MqttControlResult> ControlPtzAsync(MqttControlParams p, CancellationToken ct)
    {
        var deviceId = p.RequiredId("deviceId");
        var channelId = p.RequiredId("channelId");
        var command = p.RequiredChoice("command", PtzCommands);
        var speed = p.OptionalInt("speed", 1, 255) ?? DefaultSpeed;
        var zoomSpeed = p.OptionalInt("zoomSpeed", 1, 15) ?? Math.Max(1, speed * 15 / 255);
        return SendPtzAsync(deviceId, channelId, BuildPtz(command, speed, zoomSpeed), ct);
    }

    private Task<MqttControlResult> ControlPresetAsync(MqttControlParams p, CancellationToken ct)
    {
        var deviceId = p.RequiredId("deviceId");
        var channelId = p.RequiredId("channelId");
        var action = p.RequiredChoice("action", PresetActions) switch
        {
            "set" => PresetAction.Set,
            "goto" => PresetAction.Call,
            _ => PresetAction.Delete,
        };
        var presetId = p.RequiredInt("presetId", 1, 255);
        return SendPtzAsync(deviceId, channelId, PtzCommand.Preset(action, presetId), ct);
    }

    /// <summary>The PTZCmd for a named command; pan/tilt use <paramref name="speed"/>, zoom <paramref name="zoomSpeed"/>, focus/iris <paramref name="speed"/>.</summary>
    internal static PtzCommand BuildPtz(string command, int speed, int zoomSpeed) => command switch
    {
        "stop" => PtzCommand.Stop(),
        "left" => PtzCommand.Move(PtzMotion.Left, speed, 0, 0),
        "right" => PtzCommand.Move(PtzMotion.Right, speed, 0, 0),
        "up" => PtzCommand.Move(PtzMotion.Up, 0, speed, 0),
        "down" => PtzCommand.Move(PtzMotion.Down, 0, speed, 0),
        "upLeft" => PtzCommand.Move(PtzMotion.Up | PtzMotion.Left, speed, speed, 0),
        "upRight" => PtzCommand.Move(PtzMotion.Up | PtzMotion.Right, speed, speed, 0),
        "downLeft" => PtzCommand.Move(PtzMotion.Down | PtzMotion.Left, speed, speed, 0),
        "downRight" => PtzCommand.Move(PtzMotion.Down | PtzMotion.Right, speed, speed, 0),
        "zoomIn" => PtzCommand.Move(PtzMotion.ZoomIn, 0, 0, zoomSpeed),
        "zoomOut" => PtzCommand.Move(PtzMotion.ZoomOut, 0, 0, zoomSpeed),
        "focusNear" => PtzCommand.FocusIrisControl(FocusIrisMotion.FocusNear, speed, 0),
        "focusFar" => PtzCommand.FocusIrisControl(FocusIrisMotion.FocusFar, speed, 0),
        "irisOpen" => PtzCommand.FocusIrisControl(FocusIrisMotion.IrisOpen, 0, speed),
        "irisClose" => PtzCommand.FocusIrisControl(FocusIrisMotion.IrisClose, 0, speed),
        _ => throw MqttControlException.InvalidParams($"params.command \"{command}\" is not a PTZ command"),
    };

    private async Task<MqttControlResult> SendPtzAsync(string deviceId, string channelId, PtzCommand command, CancellationToken ct)
    {
        var client = RequireOnlineDevice(deviceId, channelId);
        var ptzCmd = command.ToString();
        var answer = await client.SendControlAsync(deviceId, new DeviceControl { Sn = 0, DeviceId = channelId, PtzCmd = ptzCmd }, ct);
        if (answer is { Result: var result } && !string.Equals(result, "OK", StringComparison.OrdinalIgnoreCase))
        {
            throw new MqttControlException(MqttControlError.DeviceRejected, $"device {deviceId} answered {result}{(answer.Reason is null ? "" : ": " + answer.Reason)} to PTZCmd {ptzCmd}");
        }

        return Result(new PtzResultView(deviceId, channelId, ptzCmd, answer?.Result), MqttBridgeJsonContext.Wire.PtzResultView);
    }
}

using Gb28181Gateway.Protocol.Ptz;

namespace Gb28181Gateway.Protocol.Tests;

public sealed class PtzCommandTests
{
    // The checked examples of PROTOCOL.md, both directions.
    [Fact]
    public void Up_speed_100_is_A50F000800640020()
    {
        var command = PtzCommand.Parse("A50F000800640020");
        Assert.Equal(PtzCommandKind.PanTiltZoom, command.Kind);
        Assert.Equal(PtzMotion.Up, command.Motion);
        Assert.Equal(100, command.TiltSpeed);
        Assert.Equal(0, command.PanSpeed);
        Assert.Equal(0, command.Address);
        Assert.Equal("A50F000800640020", PtzCommand.Move(PtzMotion.Up, panSpeed: 0, tiltSpeed: 100, zoomSpeed: 0).ToString());
    }

    [Fact]
    public void Stop_is_A50F0000000000B4()
    {
        Assert.Equal(PtzCommandKind.Stop, PtzCommand.Parse("A50F0000000000B4").Kind);
        Assert.Equal("A50F0000000000B4", PtzCommand.Stop().ToString());
        Assert.Equal("A50F0000000000B4", PtzCommand.Move(PtzMotion.None, 0, 0, 0).ToString());
    }

    [Fact]
    public void Left_speed_150_address_1_is_A50F01029600004D()
    {
        var command = PtzCommand.Parse("A50F01029600004D");
        Assert.Equal(PtzMotion.Left, command.Motion);
        Assert.Equal(150, command.PanSpeed);
        Assert.Equal(1, command.Address);
        Assert.Equal("A50F01029600004D", PtzCommand.Move(PtzMotion.Left, 150, 0, 0, address: 1).ToString());
    }

    [Theory]
    [InlineData("A50F018100020038", PresetAction.Set)]
    [InlineData("A50F018200020039", PresetAction.Call)]
    [InlineData("A50F01830002003A", PresetAction.Delete)]
    public void Preset_2_examples(string hex, PresetAction action)
    {
        var command = PtzCommand.Parse(hex);
        Assert.Equal(PtzCommandKind.Preset, command.Kind);
        Assert.Equal(2, command.PresetNumber);
        Assert.Equal(hex, PtzCommand.Preset(action, 2, address: 1).ToString());
    }

    [Fact]
    public void Seed_focus_command_decodes_as_focus_far()
    {
        // seed 000 "FI指令(聚焦+)": the vendor put the speed in B6
        var command = PtzCommand.Parse("A50F004100640059");
        Assert.Equal(PtzCommandKind.FocusIris, command.Kind);
        Assert.Equal(FocusIrisMotion.FocusFar, command.FocusIris);
        Assert.Equal(100, command.IrisSpeed);
        Assert.Equal("A50F004100640059", command.ToString());
    }

    [Theory]
    [InlineData("A50F00860123106E", CruiseAction.SetSpeed, 1, 291, 0)]
    [InlineData("A50F018402050040", CruiseAction.AddPoint, 2, 5, 1)]
    [InlineData("A50F0087021E005B", CruiseAction.SetDwellTime, 2, 30, 0)]
    [InlineData("A50F00880300003F", CruiseAction.Start, 3, 0, 0)]
    public void Cruise_commands(string hex, CruiseAction action, int group, int value, int address)
    {
        Assert.Equal(hex, PtzCommand.Cruise(action, group, value, address).ToString());
        var parsed = PtzCommand.Parse(hex);
        Assert.Equal(PtzCommandKind.Cruise, parsed.Kind);
        Assert.Equal(group, parsed.Group);
        if (action is CruiseAction.SetSpeed or CruiseAction.SetDwellTime)
        {
            Assert.Equal(value, parsed.Value12);
        }
    }

    [Theory]
    [InlineData("A50F00890100003E", ScanAction.Start, 0)]
    [InlineData("A50F00890101003F", ScanAction.SetLeftBoundary, 0)]
    [InlineData("A50F008901020040", ScanAction.SetRightBoundary, 0)]
    [InlineData("A50F008A01FFF02E", ScanAction.SetSpeed, 4095)]
    public void Scan_commands(string hex, ScanAction action, int speed)
    {
        Assert.Equal(hex, PtzCommand.Scan(action, 1, speed).ToString());
        Assert.Equal(PtzCommandKind.Scan, PtzCommand.Parse(hex).Kind);
    }

    [Fact]
    public void Auxiliary_switch_on_and_off()
    {
        Assert.Equal("A50F008C01000041", PtzCommand.Auxiliary(1, on: true).ToString());
        Assert.Equal("A50F008D01000042", PtzCommand.Auxiliary(1, on: false).ToString());
        Assert.Equal(PtzCommandKind.Auxiliary, PtzCommand.Parse("A50F008D01000042").Kind);
    }

    [Fact]
    public void Twelve_bit_address_and_zoom_speed_share_byte_7()
    {
        var command = PtzCommand.Move(PtzMotion.ZoomIn | PtzMotion.Up | PtzMotion.Right, 16, 32, 5, address: 0x123);
        Assert.Equal("A50F231910205171", command.ToString());
        var parsed = PtzCommand.Parse("a50f231910205171");
        Assert.Equal(0x123, parsed.Address);
        Assert.Equal(5, parsed.ZoomSpeed);
        Assert.Equal(PtzMotion.ZoomIn | PtzMotion.Up | PtzMotion.Right, parsed.Motion);
    }

    [Fact]
    public void Focus_iris_builder()
    {
        Assert.Equal("A50F004A0A14001C", PtzCommand.FocusIrisControl(FocusIrisMotion.IrisClose | FocusIrisMotion.FocusNear, 10, 20).ToString());
    }

    [Theory]
    [InlineData("A50F000800640021", "checksum byte is 21, expected 20")]
    [InlineData("A60F000800640020", "must start with A5")]
    [InlineData("A500000800640020", "not a valid version/check byte")]
    [InlineData("A50F0008006400", "must be 16 hex digits")]
    [InlineData("A50F00080064002G", "non-hex character in byte 8")]
    [InlineData("", "must be 16 hex digits")]
    public void Bad_commands_are_refused_with_the_reason(string hex, string reason)
    {
        var error = Assert.Throws<FormatException>(() => PtzCommand.Parse(hex));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(PtzCommand.TryParse(hex, out _));
    }

    [Fact]
    public void Opposite_directions_and_out_of_range_values_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PtzCommand.Move(PtzMotion.Left | PtzMotion.Right, 1, 1, 0));
        Assert.Throws<ArgumentException>(() => PtzCommand.FocusIrisControl(FocusIrisMotion.IrisOpen | FocusIrisMotion.IrisClose, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PtzCommand.Move(PtzMotion.Up, 0, 256, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PtzCommand.Move(PtzMotion.ZoomIn, 0, 0, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => PtzCommand.Preset(PresetAction.Call, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PtzCommand.Cruise(CruiseAction.SetSpeed, 1, 4096));
        Assert.Throws<ArgumentOutOfRangeException>(() => PtzCommand.Stop(address: 4096));
    }

    [Fact]
    public void Every_command_byte_round_trips_through_the_hex_form()
    {
        for (var code = 0; code < 256; code++)
        {
            var command = new PtzCommand(0xABC, (byte)code, 0x12, 0x34, 0x5);
            var parsed = PtzCommand.Parse(command.ToString());
            Assert.Equal(command, parsed);
        }
    }
}

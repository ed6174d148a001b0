using Gb28181Gateway.Cascade.Configuration;

namespace Gb28181Gateway.Cascade.Tests.Configuration;

public sealed class GatewayOptionsValidatorTests
{
    [Fact]
    public void Defaults_with_one_valid_platform_have_no_problem()
    {
        var options = new GatewayOptions { Platforms = [ValidPlatform()] };
        Assert.Empty(GatewayOptionsValidator.Validate(options));
    }

    [Theory]
    [InlineData("Gateway:Sip:DeviceId", "3402000000200000000")]
    [InlineData("Gateway:Sip:Port", "0")]
    [InlineData("Gateway:Sip:ListenAddress", "not-an-ip")]
    [InlineData("Gateway:Media:PortMin", "80")]
    [InlineData("Gateway:InstanceId", "gw/1")]
    public void A_bad_lower_domain_or_media_value_is_reported_under_its_key(string key, string value)
    {
        var options = new GatewayOptions();
        switch (key)
        {
            case "Gateway:Sip:DeviceId": options.Sip.DeviceId = value; break;
            case "Gateway:Sip:Port": options.Sip.Port = int.Parse(value); break;
            case "Gateway:Sip:ListenAddress": options.Sip.ListenAddress = value; break;
            case "Gateway:Media:PortMin": options.Media.PortMin = int.Parse(value); break;
            case "Gateway:InstanceId": options.InstanceId = value; break;
        }

        var problem = Assert.Single(GatewayOptionsValidator.Validate(options));
        Assert.Equal(key, problem.Key);
        Assert.Contains(value, problem.Message);
    }

    [Fact]
    public void Platform_problems_name_the_platform_index_and_key()
    {
        var bad = ValidPlatform();
        bad.Name = "city";
        bad.CharacterSet = "BIG5";
        bad.Catalog.IdMode = "Shuffle";
        bad.LocalPort = 5060;
        var options = new GatewayOptions { Platforms = [ValidPlatform(), bad] };

        var keys = GatewayOptionsValidator.Validate(options).Select(p => p.Key).ToArray();

        Assert.Equal(
            ["Gateway:Platforms:1:LocalPort", "Gateway:Platforms:1:CharacterSet", "Gateway:Platforms:1:Catalog:IdMode"],
            keys);
    }

    [Fact]
    public void A_disabled_platform_is_not_checked_beyond_its_name()
    {
        var disabled = new PlatformOptions { Name = "spare", Enabled = false };
        Assert.Empty(GatewayOptionsValidator.Validate(new GatewayOptions { Platforms = [disabled] }));
    }

    [Fact]
    public void Two_platforms_cannot_share_a_name_or_a_local_port()
    {
        var a = ValidPlatform();
        var b = ValidPlatform();
        var keys = GatewayOptionsValidator.Validate(new GatewayOptions { Platforms = [a, b] }).Select(p => p.Key).ToArray();
        Assert.Equal(["Gateway:Platforms:1:Name", "Gateway:Platforms:1:LocalPort"], keys);
    }

    private static PlatformOptions ValidPlatform() => new()
    {
        Name = "province",
        ServerId = "41010500002000000001",
        ServerDomain = "4101050000",
        Host = "10.0.0.1",
        DeviceId = "34020000002000000002",
        Password = "secret",
        LocalPort = 5061,
    };
}

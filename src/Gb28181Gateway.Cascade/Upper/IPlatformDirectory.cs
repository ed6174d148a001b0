using System.Diagnostics.CodeAnalysis;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.State;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>A configured superior platform and its current registration state.</summary>
public sealed record PlatformView(PlatformOptions Options, PlatformStateRecord State);

/// <summary>The superior platforms, as the API and MQTT read them.</summary>
public interface IPlatformDirectory
{
    IReadOnlyList<PlatformView> GetPlatforms();
}

/// <summary>
/// Channel IDs between a platform and the devices below, per the platform's <c>Catalog:IdMode</c> and
/// <c>Catalog:Share</c>. Only shared channels map.
/// </summary>
public interface IPlatformChannelMap
{
    /// <summary>The channel below that <paramref name="upperChannelId"/> names for <paramref name="platform"/>.</summary>
    bool TryMapDown(string platform, string upperChannelId, out ChannelRef channel);

    /// <summary>The ID <paramref name="platform"/> knows <paramref name="channel"/> by.</summary>
    bool TryMapUp(string platform, ChannelRef channel, [NotNullWhen(true)] out string? upperChannelId);
}

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Manscdp;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// What one platform sees of the devices below: the channels its <c>Catalog:Share</c> selects, each under
/// the ID the platform knows it by, re-encoded for the platform (ParentID = the gateway's ID toward it,
/// CivilCode/BusinessGroupID when configured, Password/IPAddress/Port removed). IDs come from the state
/// store's per-platform map, so a channel keeps its upper ID forever: <c>Keep</c> uses the channel's own ID
/// unless another device's channel holds it already, <c>Renumber</c> (and such a collision) takes
/// ServerDomain + the channel's type code + the next free serial.
/// </summary>
internal sealed class PlatformCatalogProjection : IDisposable
{
    private readonly PlatformOptions _options;
    private readonly IDeviceDirectory _devices;
    private readonly IStateStore _store;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ChannelRef, string> _up = new();
    private readonly ConcurrentDictionary<string, ChannelRef> _down = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _assigning = new(1, 1);
    private readonly Dictionary<int, int> _nextSerial = [];
    private readonly HashSet<string> _shareIds;
    private readonly bool _shareAll;
    private readonly bool _renumber;
    private readonly string _domain;
    private int _sharedCount;

    public PlatformCatalogProjection(PlatformOptions options, IDeviceDirectory devices, IStateStore store, ILogger logger)
    {
        _options = options;
        _devices = devices;
        _store = store;
        _logger = logger;
        _shareIds = options.Catalog.Share.Select(s => s.Trim()).Where(s => s.Length > 0).ToHashSet(StringComparer.Ordinal);
        _shareAll = _shareIds.Contains("*");
        _renumber = string.Equals(options.Catalog.IdMode, "Renumber", StringComparison.OrdinalIgnoreCase);
        _domain = options.ServerDomain.Length == 10 ? options.ServerDomain
            : options.ServerId.Length >= 10 ? options.ServerId[..10]
            : throw new ArgumentException($"platform '{options.Name}': ServerDomain or ServerId must give a 10-digit domain for renumbering");
    }

    public string Platform => _options.Name;

    /// <summary>Channels in the last built catalog.</summary>
    public int SharedCount => Volatile.Read(ref _sharedCount);

    public void Dispose() => _assigning.Dispose();

    /// <summary>Reads the platform's ID map from the store (at start-up).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var map = await _store.LoadIdMapAsync(_options.Name, cancellationToken);
        await _assigning.WaitAsync(cancellationToken);
        try
        {
            foreach (var (channel, upperId) in map)
            {
                Remember(channel, upperId);
            }
        }
        finally
        {
            _assigning.Release();
        }
    }

    /// <summary>Whether the platform may see <paramref name="channel"/> (by its device's ID or its own).</summary>
    public bool IsShared(ChannelRef channel) =>
        _shareAll || _shareIds.Contains(channel.DeviceId) || _shareIds.Contains(channel.ChannelId);

    /// <summary>True for catalog items that are channels (cameras, alarm inputs ...), not organisation nodes or the device itself.</summary>
    public static bool IsChannel(string deviceId, CatalogItem item)
    {
        if (string.Equals(item.DeviceId, deviceId, StringComparison.Ordinal))
        {
            return false;
        }

        return !DeviceId.TryParse(item.DeviceId, out var id)
            || id.Type is not (DeviceType.BusinessGroup or DeviceType.VirtualOrganization);
    }

    /// <summary>Every shared channel of every device, projected, in device then catalog order.</summary>
    public async Task<IReadOnlyList<CatalogItem>> BuildAsync(CancellationToken cancellationToken)
    {
        var result = new List<CatalogItem>();
        foreach (var device in _devices.GetDevices())
        {
            foreach (var item in _devices.GetChannels(device.DeviceId))
            {
                var channel = new ChannelRef(device.DeviceId, item.DeviceId);
                if (!IsChannel(device.DeviceId, item) || !IsShared(channel))
                {
                    continue;
                }

                result.Add(Project(item, await MapAsync(channel, cancellationToken)));
            }
        }

        Volatile.Write(ref _sharedCount, result.Count);
        return result;
    }

    /// <summary>The item as the platform sees it under <paramref name="upperId"/>.</summary>
    public CatalogItem Project(CatalogItem item, string upperId) => item with
    {
        DeviceId = upperId,
        ParentId = _options.DeviceId,
        CivilCode = _options.Catalog.CivilCode.Length > 0 ? _options.Catalog.CivilCode : item.CivilCode,
        BusinessGroupId = _options.Catalog.BusinessGroupId.Length > 0 ? _options.Catalog.BusinessGroupId : item.BusinessGroupId,
        Password = null,
        IpAddress = null,
        Port = null,
    };

    /// <summary>The channel's upper ID, assigning (and persisting) one the first time.</summary>
    public async ValueTask<string> MapAsync(ChannelRef channel, CancellationToken cancellationToken)
    {
        if (_up.TryGetValue(channel, out var known))
        {
            return known;
        }

        await _assigning.WaitAsync(cancellationToken);
        try
        {
            if (_up.TryGetValue(channel, out known))
            {
                return known;
            }

            if (!_renumber && DeviceId.TryParse(channel.ChannelId, out _))
            {
                var kept = await _store.AssignUpperIdAsync(_options.Name, channel, channel.ChannelId, cancellationToken);
                if (kept is not null)
                {
                    Remember(channel, kept);
                    return kept;
                }
            }

            var typeCode = DeviceId.TryParse(channel.ChannelId, out var parsed) && parsed.TypeCode >= 100 ? parsed.TypeCode : (int)DeviceType.Camera;
            while (true)
            {
                var serial = _nextSerial.GetValueOrDefault(typeCode, 1);
                _nextSerial[typeCode] = serial + 1;
                var candidate = DeviceId.Create(_domain, typeCode, serial).Value;
                if (_down.ContainsKey(candidate))
                {
                    continue;
                }

                var assigned = await _store.AssignUpperIdAsync(_options.Name, channel, candidate, cancellationToken);
                if (assigned is null)
                {
                    continue; // taken by another gateway sharing the store
                }

                Remember(channel, assigned);
                if (!_renumber)
                {
                    UpperLog.Renumbered(_logger, _options.Name, channel.ToString(), channel.ChannelId, assigned);
                }

                return assigned;
            }
        }
        finally
        {
            _assigning.Release();
        }
    }

    public bool TryMapDown(string upperChannelId, out ChannelRef channel) =>
        _down.TryGetValue(upperChannelId, out channel) && IsShared(channel);

    public bool TryMapUp(ChannelRef channel, [NotNullWhen(true)] out string? upperChannelId) =>
        _up.TryGetValue(channel, out upperChannelId) && IsShared(channel);

    private void Remember(ChannelRef channel, string upperId)
    {
        _up[channel] = upperId;
        _down[upperId] = channel;
        if (DeviceId.TryParse(upperId, out var id) && id.DomainId == _domain && id.Serial >= _nextSerial.GetValueOrDefault(id.TypeCode, 1))
        {
            _nextSerial[id.TypeCode] = id.Serial + 1;
        }
    }
}

using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// <see cref="IDeviceClient"/>: each call sends one MANSCDP MESSAGE with a fresh SN to the device's registered
/// address and waits (up to <c>Sip:QueryTimeoutSeconds</c>) for the answer with that (device, CmdType, SN).
/// </summary>
internal sealed class DeviceClient : IDeviceClient
{
    /// <summary>Items accepted in one Catalog or RecordInfo answer; more (or a larger SumNum) is refused.</summary>
    public const int MaxItemsPerDevice = 20_000;

    private readonly SipOptions _options;
    private readonly GatewaySipEndpoints _endpoints;
    private readonly DeviceDirectory _directory;
    private readonly ManscdpCorrelator _correlator;
    private readonly DeviceSubscriptions _subscriptions;
    private readonly TimeProvider _time;
    private readonly LowerMetrics _metrics;
    private readonly ILogger _logger;

    public DeviceClient(IOptions<GatewayOptions> options, GatewaySipEndpoints endpoints, DeviceDirectory directory, ManscdpCorrelator correlator,
        DeviceSubscriptions subscriptions, TimeProvider time, LowerMetrics metrics, ILogger<DeviceClient> logger)
    {
        _options = options.Value.Sip;
        _endpoints = endpoints;
        _directory = directory;
        _correlator = correlator;
        _subscriptions = subscriptions;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    private TimeSpan QueryTimeout => TimeSpan.FromSeconds(Math.Max(1, _options.QueryTimeoutSeconds));

    public async Task<IReadOnlyList<CatalogItem>> QueryCatalogAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        var result = await QueryCatalogCoreAsync(deviceId, keepPartial: false, cancellationToken);
        return result.Items;
    }

    /// <summary>
    /// The catalog query behind <see cref="QueryCatalogAsync"/>; with <paramref name="keepPartial"/> a timeout after
    /// some items arrived returns them (<see cref="CatalogResult.Complete"/> false) instead of throwing.
    /// </summary>
    internal async Task<CatalogResult> QueryCatalogCoreAsync(string deviceId, bool keepPartial, CancellationToken cancellationToken)
    {
        var entry = Resolve(deviceId);
        var pending = new ListAnswer<CatalogItem>(
            MaxItemsPerDevice,
            static m => m is CatalogList list ? (list.SumNum, list.Items) : null,
            static item => item.DeviceId);
        var query = new CatalogQuery { Sn = _correlator.NextSn(), DeviceId = deviceId };
        try
        {
            var answer = await ExchangeAsync(entry, query, pending, cancellationToken);
            ThrowIfError(deviceId, answer);
            return new CatalogResult(pending.Snapshot(), pending.SumNum ?? 0, true);
        }
        catch (DeviceRequestException ex) when (keepPartial && ex.Error == DeviceRequestError.Timeout && pending.First is not null)
        {
            return new CatalogResult(pending.Snapshot(), pending.SumNum ?? 0, false);
        }
    }

    public async Task<DeviceInfoResponse> QueryDeviceInfoAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        var entry = Resolve(deviceId);
        var answer = await ExchangeAsync(entry, new DeviceInfoQuery { Sn = _correlator.NextSn(), DeviceId = deviceId }, new SingleAnswer(), cancellationToken);
        return Expect<DeviceInfoResponse>(deviceId, answer);
    }

    public async Task<DeviceStatusResponse> QueryDeviceStatusAsync(string deviceId, string targetId, CancellationToken cancellationToken = default)
    {
        var entry = Resolve(deviceId);
        var answer = await ExchangeAsync(entry, new DeviceStatusQuery { Sn = _correlator.NextSn(), DeviceId = targetId }, new SingleAnswer(), cancellationToken);
        return Expect<DeviceStatusResponse>(deviceId, answer);
    }

    public async Task<RecordInfoResponse> QueryRecordInfoAsync(string deviceId, RecordInfoQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var entry = Resolve(deviceId);
        var pending = new ListAnswer<RecordItem>(
            MaxItemsPerDevice,
            static m => m is RecordInfoResponse r ? (r.SumNum, r.Items) : null,
            static r => string.Concat(r.DeviceId, "|", r.StartTime, "|", r.EndTime, "|", r.FilePath, "|", r.Type));
        var answer = await ExchangeAsync(entry, query with { Sn = _correlator.NextSn() }, pending, cancellationToken);
        var first = Expect<RecordInfoResponse>(deviceId, answer);
        var items = pending.Snapshot();
        return (pending.First as RecordInfoResponse ?? first) with { Items = items, SumNum = items.Count };
    }

    public async Task<PresetQueryResponse> QueryPresetsAsync(string deviceId, string channelId, CancellationToken cancellationToken = default)
    {
        var entry = Resolve(deviceId);
        var answer = await ExchangeAsync(entry, new PresetQuery { Sn = _correlator.NextSn(), DeviceId = channelId }, new SingleAnswer(), cancellationToken);
        return Expect<PresetQueryResponse>(deviceId, answer);
    }

    public async Task<ConfigDownloadResponse> QueryConfigAsync(string deviceId, ConfigDownloadQuery query, CancellationToken cancellationToken = default) =>
        (await QueryConfigTypesAsync(deviceId, query, cancellationToken)).Response;

    public async Task<ConfigDownloadResult> QueryConfigTypesAsync(string deviceId, ConfigDownloadQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var types = query.ConfigTypes;
        if (types.Count == 0)
        {
            throw new ArgumentException($"ConfigType '{query.ConfigType}' names no configuration type (expected e.g. BasicParam or BasicParam/VideoParamOpt)", nameof(query));
        }

        var entry = Resolve(deviceId);
        var pending = new ConfigAnswer(types);
        try
        {
            Expect<ConfigDownloadResponse>(deviceId, await ExchangeAsync(entry, query with { Sn = _correlator.NextSn() }, pending, cancellationToken));
        }
        catch (DeviceRequestException ex) when (ex.Error == DeviceRequestError.Timeout && pending.HasAnswers)
        {
            // some types arrived before the timeout: they are returned, the others named as missing
        }

        var result = pending.Snapshot();
        if (!result.Complete)
        {
            LowerLog.ConfigIncomplete(_logger, deviceId, query.ConfigType, result.MissingTypes);
        }

        return result;
    }

    public async Task<ManscdpResult?> SendControlAsync(string deviceId, DeviceControl control, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(control);
        var entry = Resolve(deviceId);
        var request = control with { Sn = _correlator.NextSn() };
        var answer = await ExchangeAsync(entry, request, HasNoAnswer(control) ? null : new SingleAnswer(), cancellationToken);
        return answer is null ? null : Expect<ManscdpResult>(deviceId, answer);
    }

    public async Task<ManscdpResult> SendConfigAsync(string deviceId, DeviceConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var entry = Resolve(deviceId);
        var answer = await ExchangeAsync(entry, config with { Sn = _correlator.NextSn() }, new SingleAnswer(), cancellationToken);
        return Expect<ManscdpResult>(deviceId, answer);
    }

    public Task SubscribeAlarmsAsync(string deviceId, TimeSpan duration, CancellationToken cancellationToken = default) =>
        _subscriptions.SubscribeAsync(Resolve(deviceId), "Alarm", new AlarmQuery { Sn = _correlator.NextSn(), DeviceId = deviceId, StartAlarmPriority = 1, EndAlarmPriority = 4 },
            duration, cancellationToken);

    public Task SubscribeMobilePositionAsync(string deviceId, TimeSpan interval, TimeSpan duration, CancellationToken cancellationToken = default) =>
        _subscriptions.SubscribeAsync(Resolve(deviceId), "MobilePosition",
            new MobilePositionQuery { Sn = _correlator.NextSn(), DeviceId = deviceId, Interval = (int)Math.Max(1, interval.TotalSeconds) }, duration, cancellationToken);

    public Task<bool> UnsubscribeAsync(string deviceId, SubscriptionPackage package, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        return _subscriptions.UnsubscribeAsync(deviceId, DeviceSubscriptions.PackageName(package), cancellationToken);
    }

    public Task HoldSubscriptionAsync(string deviceId, SubscriptionPackage package, string holder, TimeSpan? interval = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        if (package == SubscriptionPackage.Catalog)
        {
            throw new ArgumentException("the Catalog subscription is the gateway's own (catalog synchronization); only Alarm and MobilePosition are held", nameof(package));
        }

        var seconds = interval is { } i ? (int)Math.Clamp(i.TotalSeconds, 1, 86_400) : (int?)null;
        return _subscriptions.HoldAsync(deviceId, Online(deviceId), DeviceSubscriptions.PackageName(package), holder, seconds, cancellationToken);
    }

    public Task<bool> ReleaseSubscriptionAsync(string deviceId, SubscriptionPackage package, string holder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        return _subscriptions.ReleaseAsync(deviceId, Online(deviceId), DeviceSubscriptions.PackageName(package), holder, cancellationToken);
    }

    /// <summary>The device's entry when it is registered and online, else null.</summary>
    private DeviceEntry? Online(string deviceId) =>
        _directory.TryGet(deviceId, out var entry) && entry.IsRegistered(_time.GetUtcNow()) && entry.Record.Online ? entry : null;

    /// <summary>PTZ (and the other pure motion commands) get no MANSCDP answer: 200 to the MESSAGE completes them.</summary>
    private static bool HasNoAnswer(DeviceControl control) =>
        control.PtzCmd is not null || control.DragZoomIn is not null || control.DragZoomOut is not null || control.PtzPreciseCtrl is not null;

    private DeviceEntry Resolve(string deviceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        if (!_directory.TryGet(deviceId, out var entry) || !entry.IsRegistered(_time.GetUtcNow()))
        {
            throw new DeviceRequestException(deviceId, DeviceRequestError.UnknownDevice, $"device {deviceId} is not registered");
        }

        if (!entry.Record.Online)
        {
            throw new DeviceRequestException(deviceId, DeviceRequestError.Offline, $"device {deviceId} is registered but offline (no keepalive)");
        }

        return entry;
    }

    /// <summary>
    /// Sends <paramref name="request"/> and, when <paramref name="pending"/> is given, waits for the answer; returns
    /// the last answer message (null without <paramref name="pending"/>).
    /// </summary>
    private async Task<ManscdpMessage?> ExchangeAsync(DeviceEntry entry, ManscdpMessage request, PendingAnswer? pending, CancellationToken cancellationToken)
    {
        var deviceId = entry.DeviceId;
        if (pending is not null)
        {
            _correlator.Add(deviceId, request.CmdType, request.Sn, pending);
        }

        using var timeout = new CancellationTokenSource(QueryTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var response = await SendMessageAsync(entry, request, linked.Token);
            if (response.StatusCode == SipStatus.RequestTimeout)
            {
                throw Failure(deviceId, request, DeviceRequestError.Timeout, $"device {deviceId} did not answer the {request.CmdType} MESSAGE (SIP {response.StatusCode} {response.ReasonPhrase})", response.StatusCode);
            }

            if (!response.IsSuccess)
            {
                throw Failure(deviceId, request, DeviceRequestError.Rejected, $"device {deviceId} answered the {request.CmdType} MESSAGE with {response.StatusCode} {response.ReasonPhrase}", response.StatusCode);
            }

            if (pending is null)
            {
                _metrics.Query(request.CmdType, "ok");
                return null;
            }

            var answer = await pending.Completion.WaitAsync(linked.Token);
            _metrics.Query(request.CmdType, "ok");
            return answer;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Failure(deviceId, request, DeviceRequestError.Timeout,
                $"no complete {request.CmdType} answer (SN {request.Sn}) from {deviceId} within {QueryTimeout.TotalSeconds:0} s", 0, "timeout");
        }
        catch (ListTooLargeException ex)
        {
            _metrics.ManscdpError("oversize");
            throw Failure(deviceId, request, DeviceRequestError.BadAnswer, $"{request.CmdType} answer of {deviceId} refused: {ex.Message}", 0);
        }
        finally
        {
            if (pending is not null)
            {
                _correlator.Remove(deviceId, request.CmdType, request.Sn);
            }
        }
    }

    /// <summary>Sends one MANSCDP MESSAGE to the device and returns the SIP final response.</summary>
    internal Task<SipResponse> SendMessageAsync(DeviceEntry entry, ManscdpMessage message, CancellationToken cancellationToken)
    {
        var agent = _endpoints.Lower;
        var target = entry.EndPoint;
        var request = agent.CreateRequest(SipMethod.Message, RequestUri(entry), GatewayAddress(), DeviceAddress(entry.DeviceId), target);
        request.ContentType = ManscdpCodec.ContentType;
        request.Body = ManscdpCodec.Encode(message, entry.Charset);
        return agent.SendRequestAsync(request, target, null, cancellationToken);
    }

    internal SipNameAddress GatewayAddress() => new(SipUri.Create(_options.DeviceId, _options.Domain));

    internal SipNameAddress DeviceAddress(string deviceId) => new(SipUri.Create(deviceId, _options.Domain));

    /// <summary>The device's Contact from its REGISTER, else sip:id@source.</summary>
    internal static SipUri RequestUri(DeviceEntry entry) =>
        entry.Record.ContactUri.Length > 0 && SipUri.TryParse(entry.Record.ContactUri, out var contact)
            ? contact
            : SipUri.Create(entry.DeviceId, entry.EndPoint.Address.Address.ToString(), entry.EndPoint.Address.Port);

    private DeviceRequestException Failure(string deviceId, ManscdpMessage request, DeviceRequestError error, string message, int status, string result = "error")
    {
        _metrics.Query(request.CmdType, result);
        LowerLog.RequestFailed(_logger, deviceId, request.CmdType, request.Sn, message);
        return new DeviceRequestException(deviceId, error, message, status);
    }

    private static void ThrowIfError(string deviceId, ManscdpMessage? answer)
    {
        if (answer is ManscdpResult result)
        {
            throw new DeviceRequestException(deviceId, DeviceRequestError.BadAnswer,
                $"device {deviceId} answered {result.CmdType} with Result {result.Result}{(result.Reason is null ? string.Empty : " (" + result.Reason + ")")}");
        }
    }

    private static T Expect<T>(string deviceId, ManscdpMessage? answer)
        where T : ManscdpMessage
    {
        if (answer is T typed)
        {
            return typed;
        }

        ThrowIfError(deviceId, answer);
        throw new DeviceRequestException(deviceId, DeviceRequestError.BadAnswer,
            $"device {deviceId} answered with {answer?.GetType().Name ?? "nothing"} where {typeof(T).Name} was expected");
    }
}

/// <summary>A catalog answer: the distinct items received, the SumNum announced, whether all of them arrived.</summary>
internal sealed record CatalogResult(IReadOnlyList<CatalogItem> Items, int SumNum, bool Complete);

using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// The answer to a ConfigDownload asking for several <c>/</c>-joined types. Devices answer in one of two shapes,
/// both with the query's SN: one MESSAGE holding a section per type (<c>&lt;BasicParam&gt;</c>,
/// <c>&lt;VideoParamOpt&gt;</c>, ...), or one MESSAGE per type. The answer is complete when
/// <list type="bullet">
/// <item>every requested type arrived as a section; or</item>
/// <item>one MESSAGE carried two or more requested sections: the one-MESSAGE shape, whose device leaves out the
/// types it does not support (waiting for them would only wait out the timeout); or</item>
/// <item>every type still missing is matched by an answer that carried no requested section (a per-type answer
/// with <c>Result</c> ERROR for a type the device does not support).</item>
/// </list>
/// Otherwise the query's timeout ends it and what arrived is kept (<see cref="Snapshot"/>).
/// </summary>
internal sealed class ConfigAnswer : PendingAnswer
{
    private readonly Lock _gate = new();
    private readonly string[] _requested;
    private readonly HashSet<string> _arrived = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ConfigDownloadResponse> _answers = [];
    private int _withoutSection;

    public ConfigAnswer(IReadOnlyList<string> requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        _requested = [.. requested.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>True once at least one answer MESSAGE arrived.</summary>
    public bool HasAnswers
    {
        get
        {
            lock (_gate)
            {
                return _answers.Count > 0;
            }
        }
    }

    public override bool Offer(ManscdpMessage answer)
    {
        if (answer is not ConfigDownloadResponse response)
        {
            return Complete(answer) || true; // not a ConfigDownload answer: the caller reports it
        }

        lock (_gate)
        {
            _answers.Add(response);
            var sections = 0;
            foreach (var type in _requested)
            {
                if (HasSection(response, type))
                {
                    sections++;
                    _arrived.Add(type);
                }
            }

            if (sections == 0)
            {
                _withoutSection++;
            }

            if (_arrived.Count == _requested.Length || sections >= 2 || _requested.Length - _arrived.Count <= _withoutSection)
            {
                return Complete(response) || true;
            }
        }

        return false;
    }

    /// <summary>What arrived so far, merged into one response, and the requested types that did not arrive.</summary>
    public ConfigDownloadResult Snapshot()
    {
        lock (_gate)
        {
            if (_answers.Count == 0)
            {
                throw new InvalidOperationException("no ConfigDownload answer arrived");
            }

            var merged = _answers.Count == 1 ? _answers[0] : Merge();
            return new ConfigDownloadResult(merged, [.. _requested.Where(t => !_arrived.Contains(t))]);
        }
    }

    /// <summary>The requested types of <paramref name="query"/> that <paramref name="response"/> holds no section for.</summary>
    public static IReadOnlyList<string> MissingTypes(ConfigDownloadQuery query, ConfigDownloadResponse response)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(response);
        return [.. query.ConfigTypes.Distinct(StringComparer.OrdinalIgnoreCase).Where(t => !HasSection(response, t))];
    }

    /// <summary>
    /// A section for <paramref name="type"/>: BasicParam as the model reads it, anything else (and a BasicParam whose
    /// values did not parse) as the top-level element of that name.
    /// </summary>
    private static bool HasSection(ConfigDownloadResponse response, string type)
    {
        if (response.BasicParam is not null && type.Equals("BasicParam", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var element in response.Extensions)
        {
            if (element.Name.Equals(type, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// One response from several: the first answer's header, the first BasicParam, every other top-level element
    /// in arrival order (an element name already taken from an earlier answer is not repeated), and Result OK
    /// when any requested section arrived (else the first Result given, typically ERROR).
    /// </summary>
    private ConfigDownloadResponse Merge()
    {
        var first = _answers[0];
        BasicParam? basic = null;
        var elements = new List<ManscdpElement>();
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var answer in _answers)
        {
            basic ??= answer.BasicParam;
            var fromThis = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var element in answer.Extensions)
            {
                if (!taken.Contains(element.Name) || fromThis.Contains(element.Name))
                {
                    elements.Add(element);
                    fromThis.Add(element.Name);
                }
            }

            taken.UnionWith(fromThis);
        }

        var result = _arrived.Count > 0 ? "OK" : _answers.Select(a => a.Result).FirstOrDefault(r => r is not null);
        return first with { Result = result, BasicParam = basic, Extensions = elements };
    }
}

/// <summary>
/// A ConfigDownload answer: the device's sections merged into one <see cref="Response"/>, and the requested types
/// it holds no section for (<see cref="MissingTypes"/>: not supported by the device, or not arrived before the
/// query's timeout).
/// </summary>
public sealed record ConfigDownloadResult(ConfigDownloadResponse Response, IReadOnlyList<string> MissingTypes)
{
    /// <summary>Every requested type arrived.</summary>
    public bool Complete => MissingTypes.Count == 0;
}

using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>The sipp scenarios of tests/sipp/upper, with the @name@ tokens of their regular expressions filled in.</summary>
internal static class UpperSipp
{
    /// <summary>Writes a copy of <paramref name="file"/> with each @key@ replaced (values as XML attribute text) and returns its path.</summary>
    public static string Scenario(string file, params (string Key, string Value)[] values)
    {
        var text = File.ReadAllText(RepositoryPaths.Path("tests", "sipp", "upper", file));
        foreach (var (key, value) in values)
        {
            text = text.Replace("@" + key + "@", value, StringComparison.Ordinal);
        }

        var path = Path.Combine(Path.GetTempPath(), $"upper-{Guid.NewGuid():N}-{file}");
        File.WriteAllText(path, text);
        return path;
    }
}

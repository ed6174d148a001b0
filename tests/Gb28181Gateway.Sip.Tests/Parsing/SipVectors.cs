using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Sip.Tests.Parsing;

/// <summary>The committed SIP byte vectors (tests/vectors/sip): seed captures and the RFC 4475 archive.</summary>
internal static class SipVectors
{
    public static string Directory => RepositoryPaths.Path("tests", "vectors", "sip");

    /// <summary>File names of the seed captures (<c>&lt;seed&gt;-&lt;n&gt;-&lt;what&gt;.sip</c>), sorted.</summary>
    public static IReadOnlyList<string> SeedNames { get; } = List(Directory, "*.sip");

    /// <summary>File names of the RFC 4475 messages (<c>wsinv.dat</c>, ...), sorted.</summary>
    public static IReadOnlyList<string> Rfc4475Names { get; } = List(Path.Combine(Directory, "rfc4475"), "*.dat");

    public static TheoryData<string> Seeds => [.. SeedNames];

    public static byte[] Seed(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    public static byte[] Rfc4475(string name) => File.ReadAllBytes(Path.Combine(Directory, "rfc4475", name));

    /// <summary>Every vector (seed captures and RFC 4475), as (name, bytes).</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> All()
    {
        foreach (var name in SeedNames)
        {
            yield return (name, Seed(name));
        }

        foreach (var name in Rfc4475Names)
        {
            yield return ("rfc4475/" + name, Rfc4475(name));
        }
    }

    private static string[] List(string directory, string pattern)
    {
        var names = System.IO.Directory.GetFiles(directory, pattern).Select(Path.GetFileName).OfType<string>().ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        if (names.Length == 0)
        {
            throw new InvalidOperationException($"no {pattern} vectors in {directory}");
        }

        return names;
    }
}

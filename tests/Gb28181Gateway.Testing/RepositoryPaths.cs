namespace Gb28181Gateway.Testing;

/// <summary>Locates files committed in the repository (test vectors, sipp scenarios, captures).</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The directory holding Gb28181Gateway.sln.</summary>
    public static string Root => s_root.Value;

    /// <summary>A path under the repository root, e.g. <c>Path("tests", "vectors", "sip")</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Gb28181Gateway.sln")))
            {
                return dir.FullName;
            }

            dir = dir.Parent;
        }

        throw new InvalidOperationException("Gb28181Gateway.sln not found above " + AppContext.BaseDirectory);
    }
}

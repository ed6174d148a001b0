using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>Bodies from tests/vectors (manscdp/ from the seed captures, lower/ derived from them; see tests/vectors/README.md).</summary>
internal static class LowerVectors
{
    /// <summary>The device ID both seed cameras (Dahua 000, Hikvision 001) register with.</summary>
    public const string SeedCameraId = "34020000001320000002";

    public static byte[] Manscdp(string file) => File.ReadAllBytes(RepositoryPaths.Path("tests", "vectors", "manscdp", file));

    public static byte[] Lower(string file) => File.ReadAllBytes(RepositoryPaths.Path("tests", "vectors", "lower", file));

    public static byte[][] HikvisionCatalog => [Lower("hikvision-catalog-1of2-gb2312.xml"), Lower("hikvision-catalog-2of2-gb2312.xml")];

    public static byte[][] DahuaCatalog =>
        [Lower("dahua-catalog-1of3-gb18030.xml"), Lower("dahua-catalog-2of3-gb18030.xml"), Lower("dahua-catalog-3of3-gb18030.xml")];

    /// <summary>A camera's answers: DeviceInfo from the Dahua capture, Catalog with <paramref name="catalog"/>.</summary>
    public static Func<ManscdpMessage, IReadOnlyList<byte[]>?> Camera(params byte[][] catalog) => query => query switch
    {
        DeviceInfoQuery => [Manscdp("000-dahua-response-deviceinfo.xml")],
        CatalogQuery => catalog,
        _ => null,
    };
}

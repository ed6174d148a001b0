namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>
/// A lower domain with one in-test camera (the seed's Hikvision, its catalog) registered and synchronised over loopback
/// before each test, and both torn down after it: the set-up the device-client, fault, ConfigDownload and
/// subscription tests share.
/// </summary>
public abstract class LowerCameraTestBase : IAsyncLifetime
{
    protected const string CameraId = LowerVectors.SeedCameraId;

    private LowerHarness? _gateway;
    private LowerTestDevice? _camera;

    internal LowerHarness Gateway => _gateway ?? throw new InvalidOperationException("the test has not started");

    internal LowerTestDevice Camera => _camera ?? throw new InvalidOperationException("the test has not started");

    public async Task InitializeAsync()
    {
        _gateway = await LowerHarness.StartAsync();
        _camera = new LowerTestDevice(_gateway, CameraId) { Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog) };
        await _camera.RegisterAndSyncAsync(_gateway);
    }

    public async Task DisposeAsync()
    {
        if (_camera is not null)
        {
            await _camera.DisposeAsync();
        }

        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }
}

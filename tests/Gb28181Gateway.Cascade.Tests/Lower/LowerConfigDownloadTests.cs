using System.Text;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>
/// ConfigDownload of several '/'-joined types against an in-test camera answering in both shapes devices use:
/// one MESSAGE with a section per type, or one MESSAGE per type (same SN). Vectors: tests/vectors/lower/configdownload-*.
/// </summary>
public sealed class LowerConfigDownloadTests : LowerCameraTestBase
{
    private const string ThreeTypes = "BasicParam/VideoParamOpt/SVACEncodeConfig";

    [Fact]
    public async Task One_message_with_every_section_is_the_whole_answer()
    {
        AnswerConfig("configdownload-3types-one-message.xml");

        var result = await Gateway.Client.QueryConfigTypesAsync(CameraId, Query(ThreeTypes));

        var sent = ManscdpCodec.Parse((await Camera.NextRequestAsync(cmdType: "ConfigDownload")).Body.Span);
        Assert.Equal(ThreeTypes, Assert.IsType<ConfigDownloadQuery>(sent).ConfigType);
        Assert.True(result.Complete);
        AssertSections(result.Response, "IP CAMERA", "VideoParamOpt", "SVACEncodeConfig");
        Assert.Equal("6/5/4", result.Response.Extensions[0].Child("Resolution")!.Text);
    }

    [Fact]
    public async Task One_message_per_type_is_collected_and_merged()
    {
        AnswerConfig("configdownload-per-type-basicparam.xml", "configdownload-per-type-videoparamopt.xml", "configdownload-per-type-svacencodeconfig.xml");

        var result = await Gateway.Client.QueryConfigTypesAsync(CameraId, Query(ThreeTypes));

        Assert.True(result.Complete);
        Assert.Equal("OK", result.Response.Result);
        Assert.Equal(CameraId, result.Response.DeviceId);
        AssertSections(result.Response, "IP CAMERA", "VideoParamOpt", "SVACEncodeConfig");
        var encoded = Encoding.ASCII.GetString(ManscdpCodec.Encode(result.Response, Protocol.Text.GbCharset.Gb2312));
        foreach (var section in new[] { "<BasicParam>", "<VideoParamOpt>", "<SVACEncodeConfig>", "<Result>" })
        {
            Assert.Equal(1, Occurrences(encoded, section)); // each once, as forwarded to a platform
        }
    }

    [Fact]
    public async Task The_interface_method_returns_the_merged_response()
    {
        AnswerConfig("configdownload-per-type-svacencodeconfig.xml", "configdownload-per-type-basicparam.xml");

        var response = await Gateway.Client.QueryConfigAsync(CameraId, Query("BasicParam/SVACEncodeConfig"));

        AssertSections(response, "IP CAMERA", "SVACEncodeConfig");
    }

    [Fact]
    public async Task A_type_that_never_arrives_is_named_after_the_query_timeout_and_the_others_are_kept()
    {
        AnswerConfig("configdownload-per-type-basicparam.xml", "configdownload-per-type-videoparamopt.xml");
        var acknowledged = Camera.AnswersAcknowledged;

        var query = Gateway.Client.QueryConfigTypesAsync(CameraId, Query(ThreeTypes));
        await LowerHarness.UntilAsync(() => Camera.AnswersAcknowledged == acknowledged + 2, "both answers taken in");
        Assert.False(query.IsCompleted); // SVACEncodeConfig may still come
        Gateway.Time.Advance(TimeSpan.FromSeconds(Gateway.Options.Sip.QueryTimeoutSeconds));
        var result = await query.WaitAsync(LowerHarness.Wait);

        Assert.Equal(["SVACEncodeConfig"], result.MissingTypes);
        Assert.False(result.Complete);
        AssertSections(result.Response, "IP CAMERA", "VideoParamOpt");
        Assert.Equal(0, Gateway.Correlator.PendingCount);
    }

    [Fact]
    public async Task One_message_leaving_a_type_out_completes_at_once_with_that_type_missing()
    {
        AnswerConfig("configdownload-2of3types-one-message.xml");

        var result = await Gateway.Client.QueryConfigTypesAsync(CameraId, Query(ThreeTypes)).WaitAsync(LowerHarness.Wait); // no clock advance

        Assert.Equal(["SVACEncodeConfig"], result.MissingTypes);
        AssertSections(result.Response, "IP CAMERA", "VideoParamOpt");
    }

    [Fact]
    public async Task A_per_type_error_accounts_for_the_type_the_device_does_not_support()
    {
        AnswerConfig("configdownload-per-type-basicparam.xml", "configdownload-per-type-error.xml", "configdownload-per-type-videoparamopt.xml");

        var result = await Gateway.Client.QueryConfigTypesAsync(CameraId, Query(ThreeTypes)).WaitAsync(LowerHarness.Wait); // no clock advance

        Assert.Equal(["SVACEncodeConfig"], result.MissingTypes);
        Assert.Equal("OK", result.Response.Result);
        AssertSections(result.Response, "IP CAMERA", "VideoParamOpt");
    }

    [Fact]
    public async Task A_single_type_error_is_returned_as_the_device_sent_it()
    {
        AnswerConfig("configdownload-per-type-error.xml");

        var result = await Gateway.Client.QueryConfigTypesAsync(CameraId, Query("SVACEncodeConfig"));

        Assert.Equal("ERROR", result.Response.Result);
        Assert.Equal(["SVACEncodeConfig"], result.MissingTypes);
    }

    [Fact]
    public async Task No_answer_at_all_is_a_timeout()
    {
        Camera.Answer = _ => null;

        var query = Gateway.Client.QueryConfigTypesAsync(CameraId, Query(ThreeTypes));
        await Camera.NextRequestAsync(cmdType: "ConfigDownload");
        Gateway.Time.Advance(TimeSpan.FromSeconds(Gateway.Options.Sip.QueryTimeoutSeconds));

        var error = await Assert.ThrowsAsync<DeviceRequestException>(() => query.WaitAsync(LowerHarness.Wait));
        Assert.Equal(DeviceRequestError.Timeout, error.Error);
    }

    [Fact]
    public async Task A_config_type_naming_nothing_is_refused_before_anything_is_sent()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Gateway.Client.QueryConfigTypesAsync(CameraId, Query(" / ")));

        Assert.Contains("names no configuration type", error.Message, StringComparison.Ordinal);
        Assert.Empty(Camera.DrainReceived());
    }

    private static ConfigDownloadQuery Query(string types) => new() { Sn = 0, DeviceId = CameraId, ConfigType = types };

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static void AssertSections(ConfigDownloadResponse response, string basicParamName, params string[] extensions)
    {
        Assert.Equal(basicParamName, response.BasicParam?.Name);
        Assert.Equal(extensions.Order(StringComparer.Ordinal), response.Extensions.Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    private void AnswerConfig(params string[] files)
    {
        var camera = LowerVectors.Camera(LowerVectors.HikvisionCatalog);
        Camera.Answer = query => query is ConfigDownloadQuery ? [.. files.Select(LowerVectors.Lower)] : camera(query);
    }
}

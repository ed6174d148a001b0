using System.Security.Cryptography;
using System.Text;

namespace Gb28181Gateway.Api;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;token&gt;</c>. The comparison is constant-time over SHA-256 digests,
/// so neither the content nor the length of the configured token leaks through timing.
/// </summary>
internal sealed class BearerTokenFilter : IEndpointFilter
{
    private const string Scheme = "Bearer ";
    private readonly byte[] _expected;

    public BearerTokenFilter(string token)
    {
        _expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (IsAuthorized(http.Request.Headers.Authorization.ToString()))
        {
            return next(context);
        }

        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ValueTask.FromResult<object?>(ApiEndpoints.Error(
            StatusCodes.Status401Unauthorized, "unauthorized", "this API needs the header \"Authorization: Bearer <token>\" with the token in Gateway:Http:Token"));
    }

    internal bool IsAuthorized(string header)
    {
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header.AsSpan(Scheme.Length).Trim().ToString()));
        return CryptographicOperations.FixedTimeEquals(presented, _expected);
    }
}

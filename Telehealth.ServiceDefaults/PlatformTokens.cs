using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Telehealth.ServiceDefaults;

/// <summary>Where a service finds the identity service, and which audience its tokens must name.</summary>
/// <param name="Authority">The identity service's issuer; its discovery document and JWKS give the signing keys.</param>
/// <param name="Audience">The audience tokens must name (<c>telehealth-fhir</c>, <c>telehealth-api</c>).</param>
/// <param name="RequireHttpsMetadata">Fetch the metadata over HTTPS only (true in deployments).</param>
/// <param name="TrustedCertificateFile">
/// The certificate authority (PEM or DER) that issued the identity service's TLS certificate, when it is a private one
/// the machine does not trust; then that authority alone is trusted for the metadata and keys.
/// </param>
/// <param name="Section">Where the settings come from (<c>Fhir:Auth</c>), for messages.</param>
public sealed record TokenSettings(string Authority, string Audience, bool RequireHttpsMetadata, string? TrustedCertificateFile = null, string Section = "Auth");

/// <summary>
/// How every service checks the identity service's access tokens: JWT bearer for issuer, audience, lifetime and
/// signature against the published keys (fetched again when a token names an unknown key, so key rotation needs no
/// restart), claims kept as the identity service wrote them, and checked tokens remembered
/// (<see cref="CachedTokenHandler"/>).
/// </summary>
public static class PlatformTokens
{
    public static IServiceCollection AddPlatformTokens(this IServiceCollection services, TokenSettings settings, JwtBearerEvents? events = null)
    {
        var authority = TrustedAuthority.LoadFor(settings.TrustedCertificateFile, settings.Authority, $"{settings.Section}:", "Authority");
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.Authority = settings.Authority;
            jwt.Audience = settings.Audience;
            jwt.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            jwt.SaveToken = false; // nothing reads the token back from the authentication properties
            jwt.MapInboundClaims = false; // keep sub, role, scope, fhirUser as the identity service wrote them
            jwt.TokenValidationParameters.NameClaimType = "sub";
            jwt.TokenValidationParameters.RoleClaimType = "role";
            jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
            if (events is not null) jwt.Events = events;
            if (authority is not null) jwt.BackchannelHttpHandler = TrustedAuthority.Handler(authority);
        });
        services.AddSingleton<CachedTokenHandler>();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<CachedTokenHandler>((jwt, handler) =>
        {
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(handler);
        });
        return services;
    }

    /// <summary>Why a token was refused, in words a person can act on; <paramref name="service"/> names who refused it.</summary>
    public static string Describe(Exception failure, string service) => failure switch
    {
        SecurityTokenExpiredException => "it has expired; get a new one.",
        SecurityTokenInvalidAudienceException => $"it is not meant for {service} (wrong audience).",
        SecurityTokenInvalidIssuerException => "it was not issued by this platform's identity service.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not match the identity service's keys.",
        _ => "it is not a valid token.",
    };

    /// <summary>A short code for the refusal, for clients that act on it (gRPC error details).</summary>
    public static string Reason(Exception? failure) => failure switch
    {
        null => "TOKEN_MISSING",
        SecurityTokenExpiredException => "TOKEN_EXPIRED",
        SecurityTokenInvalidAudienceException => "TOKEN_WRONG_AUDIENCE",
        SecurityTokenInvalidIssuerException => "TOKEN_WRONG_ISSUER",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "TOKEN_BAD_SIGNATURE",
        _ => "TOKEN_INVALID",
    };
}

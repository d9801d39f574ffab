using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Telehealth.Fhir.Tests.Infrastructure;

/// <summary>
/// Access tokens as the identity service issues them (signed JWTs for the record service's audience), signed with a
/// key the test hosts trust in place of the identity service's published keys. Shared with the scheduling core's tests.
/// </summary>
public static class TestTokens
{
    /// <summary>
    /// Makes a service check tokens as in production, against the test issuer and its key instead of a discovery
    /// document and keys fetched from the identity service.
    /// </summary>
    public static void TrustTestIssuer(JwtBearerOptions jwt)
    {
        jwt.Configuration = new OpenIdConnectConfiguration
        {
            Issuer = Issuer,
            AuthorizationEndpoint = Issuer + "connect/authorize",
            TokenEndpoint = Issuer + "connect/token",
            JwksUri = Issuer + ".well-known/jwks",
        };
        jwt.Configuration.SigningKeys.Add(Key);
        jwt.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(jwt.Configuration);
    }

    public const string Issuer = "https://identity.test/";
    public const string Audience = "telehealth-fhir";

    public static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "test-signing-key" };

    /// <summary>A key nobody trusts, for forged tokens.</summary>
    public static readonly RsaSecurityKey StrangerKey = new(RSA.Create(2048)) { KeyId = "test-signing-key" };

    /// <summary>A service's token (client credentials) with these scopes.</summary>
    public static string System(string scopes = "system/*.cruds", string client = "test-system") =>
        Mint(client, scopes, client: client);

    /// <summary>A person's token: role, the FHIR resource they are, their organization.</summary>
    public static string Person(string role, string fhirUser, string? organization, string scopes = "openid fhirUser user/*.cruds") =>
        Mint("user-" + fhirUser.Replace('/', '-'), scopes, role, fhirUser, organization, client: "telehealth-web");

    public static string Mint(string subject, string scopes, string? role = null, string? fhirUser = null, string? organization = null,
        string client = "test-client", string audience = Audience, string issuer = Issuer, DateTime? expires = null, SecurityKey? key = null)
    {
        var claims = new List<Claim> { new("sub", subject), new("client_id", client), new("scope", scopes) };
        if (role is not null) claims.Add(new Claim("role", role));
        if (fhirUser is not null) claims.Add(new Claim("fhirUser", fhirUser));
        if (organization is not null) claims.Add(new Claim("organization", organization));
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(30);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = expiry.AddHours(-1),
            IssuedAt = expiry.AddHours(-1),
            Expires = expiry,
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
        });
    }
}

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Telehealth.Fhir.Model;

namespace Telehealth.Fhir.Access;

/// <summary>
/// <c>/fhir/.well-known/smart-configuration</c> (SMART App Launch 2.2): where apps sign people in and get tokens for
/// this server, taken from the identity service's own discovery document so the two never disagree.
/// </summary>
public static class SmartConfiguration
{
    public static readonly string[] Capabilities =
    [
        "launch-standalone", "client-public", "client-confidential-symmetric", "sso-openid-connect",
        "permission-offline", "permission-patient", "permission-user", "permission-v2",
    ];

    public static readonly string[] Scopes =
    [
        "openid", "profile", "fhirUser", "offline_access",
        "patient/*.rs", "patient/*.cruds", "user/*.rs", "user/*.cruds", "system/*.rs", "system/*.cruds",
    ];

    public static void MapSmartConfiguration(this RouteGroupBuilder fhir)
    {
        fhir.MapGet("/.well-known/smart-configuration", async (IOptionsMonitor<JwtBearerOptions> jwt, IOptions<AccessOptions> access,
            CancellationToken ct) =>
        {
            if (access.Value.Disabled)
                throw FhirException.NotFound("Token checks are disabled (benchmark mode): there is no authorization server to describe.");
            var options = jwt.Get(JwtBearerDefaults.AuthenticationScheme);
            OpenIdConnectConfiguration discovery;
            try
            {
                discovery = options.Configuration
                            ?? await options.ConfigurationManager!.GetConfigurationAsync(ct);
            }
            catch (InvalidOperationException e)
            {
                throw new FhirException(503, Hl7.Fhir.Model.OperationOutcome.IssueType.Transient,
                    $"The identity service at {options.Authority} did not answer its discovery request ({e.Message}); try again shortly.");
            }
            var json = new JsonObject
            {
                ["issuer"] = discovery.Issuer,
                ["jwks_uri"] = discovery.JwksUri,
                ["authorization_endpoint"] = discovery.AuthorizationEndpoint,
                ["token_endpoint"] = discovery.TokenEndpoint,
                ["grant_types_supported"] = new JsonArray("authorization_code", "refresh_token", "client_credentials"),
                ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic", "client_secret_post"),
                ["scopes_supported"] = new JsonArray([.. Scopes.Select(s => JsonValue.Create(s))]),
                ["response_types_supported"] = new JsonArray("code"),
                ["code_challenge_methods_supported"] = new JsonArray("S256"),
                ["capabilities"] = new JsonArray([.. Capabilities.Select(c => JsonValue.Create(c))]),
            };
            if (discovery.IntrospectionEndpoint is { Length: > 0 } introspection) json["introspection_endpoint"] = introspection;
            if (discovery.AdditionalData.TryGetValue("revocation_endpoint", out var revocation)) json["revocation_endpoint"] = revocation?.ToString();
            if (discovery.EndSessionEndpoint is { Length: > 0 } endSession) json["end_session_endpoint"] = endSession;
            return Results.Text(json.ToJsonString(), "application/json");
        }).AllowAnonymous();
    }
}

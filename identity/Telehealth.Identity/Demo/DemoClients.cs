using OpenIddict.Abstractions;
using Telehealth.Identity.Accounts;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Telehealth.Identity.Demo;

/// <summary>The demo clients and the scopes they may ask for (<c>Demo:Load=true</c> only).</summary>
public static class DemoClients
{
    public const string Web = "telehealth-web";
    public const string WebSecret = "telehealth-web-secret";
    public const string System = "demo-system";
    public const string SystemSecret = "demo-system-secret";
    public const string Smart = "smart-demo";

    /// <summary>Each scope with the resource server it opens (none for protocol scopes registered in the server options).</summary>
    public static IEnumerable<OpenIddictScopeDescriptor> Scopes() =>
        PlatformScopes.Smart.Select(name => Scope(name, PlatformScopes.FhirAudience))
            .Append(Scope(PlatformScopes.Api, PlatformScopes.ApiAudience));

    public static IEnumerable<OpenIddictApplicationDescriptor> Applications(IConfiguration configuration)
    {
        var webUrl = configuration["Demo:WebUrl"] ?? "http://127.0.0.1:5080";
        var smartUrl = configuration["Demo:SmartUrl"] ?? "http://127.0.0.1:5090";

        // The web app (backend for frontend): confidential, code + PKCE, refresh tokens, user-level scopes.
        var web = Interactive(Web, "Ứng dụng web / Web app", ClientTypes.Confidential,
            $"{webUrl}/signin-oidc", $"{webUrl}/signout-callback-oidc",
            ["user/*.cruds", "user/*.rs", "user/Patient.rs", "user/Practitioner.rs", "user/Organization.rs", "patient/*.rs", PlatformScopes.Api]);
        web.ClientSecret = WebSecret;
        web.Permissions.UnionWith([Permissions.Endpoints.Introspection, Permissions.Endpoints.Revocation]);
        yield return web;

        // A SMART app running in a browser: public (no secret), so PKCE is what protects its codes.
        yield return Interactive(Smart, "Ứng dụng SMART mẫu / SMART demo app", ClientTypes.Public,
            $"{smartUrl}/callback", $"{smartUrl}/",
            ["patient/*.rs", "patient/Patient.rs", "user/*.rs", "user/Patient.rs"]);

        // A back-end service acting for itself on the record service.
        var system = new OpenIddictApplicationDescriptor
        {
            ClientId = System,
            ClientSecret = SystemSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "Dịch vụ hệ thống mẫu / Demo system service",
            Permissions =
            {
                Permissions.Endpoints.Token, Permissions.Endpoints.Introspection, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.ClientCredentials,
                Permissions.Prefixes.Scope + "system/*.cruds", Permissions.Prefixes.Scope + "system/*.rs",
                // Scripts call the scheduling core too.
                Permissions.Prefixes.Scope + PlatformScopes.Api,
            },
        };
        yield return system;
    }

    private static OpenIddictApplicationDescriptor Interactive(string clientId, string displayName, string clientType,
        string redirectUri, string postLogoutRedirectUri, IEnumerable<string> resourceScopes)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = clientType,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = displayName,
            // Compared as exact strings by OpenIddict: no prefixes, no wildcards.
            RedirectUris = { new Uri(redirectUri) },
            PostLogoutRedirectUris = { new Uri(postLogoutRedirectUri) },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Prefixes.Scope + PlatformScopes.FhirUser,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        descriptor.Permissions.UnionWith(resourceScopes.Select(s => Permissions.Prefixes.Scope + s));
        return descriptor;
    }

    private static OpenIddictScopeDescriptor Scope(string name, string resource) => new()
    {
        Name = name,
        Resources = { resource },
    };
}

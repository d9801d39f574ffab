using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.WebEncoders;
using Telehealth.Identity.Accounts;
using Telehealth.Identity.Federation;
using Telehealth.Identity.Keys;
using Telehealth.Identity.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Telehealth.Identity.Hosting;

/// <summary>Everything the identity service is made of, configured in one place.</summary>
public static class IdentityServerConfiguration
{
    public const string DefaultIssuer = "http://127.0.0.1:5081";

    public static IServiceCollection AddTelehealthIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        // "" means: take the issuer from each request's host (tests on a random port); unset means the platform default.
        var issuer = configuration["Identity:Issuer"] ?? DefaultIssuer;
        var keys = new TokenKeyFolder(configuration["Identity:KeyFolder"] ?? TokenKeyFolder.DefaultPath,
            configuration.GetValue<TimeSpan?>("Identity:SigningKeyOverlap"));
        var requireHttps = configuration.GetValue("Identity:RequireHttps", false);

        services.AddIdentityStorage(configuration);

        // Sign-in cookies and antiforgery tokens are protected with keys beside the token keys, so they survive a restart too.
        services.AddDataProtection()
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(keys.Path, "data-protection")))
            .SetApplicationName("Telehealth.Identity");

        services.AddIdentity<PlatformUser, IdentityRole>(options =>
            {
                // At least 10 characters mixing upper and lower case, digits and symbols.
                options.Password.RequiredLength = 10;
                options.Password.RequireUppercase = true;
                options.Password.RequireLowercase = true;
                options.Password.RequireDigit = true;
                options.Password.RequireNonAlphanumeric = true;
                // Five wrong passwords in a row lock the account for 15 minutes.
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = false;
                // Tokens carry OpenID Connect claim names, not the long WS-* URIs ASP.NET Core Identity uses by default.
                options.ClaimsIdentity.UserNameClaimType = Claims.Name;
                options.ClaimsIdentity.UserIdClaimType = Claims.Subject;
                options.ClaimsIdentity.RoleClaimType = Claims.Role;
                // Accounts waiting for approval (or rejected) may not sign in: see ActiveAccountConfirmation.
                options.SignIn.RequireConfirmedAccount = true;
            })
            .AddEntityFrameworkStores<IdentityStore>()
            .AddUserConfirmation<ActiveAccountConfirmation>()
            .AddDefaultTokenProviders();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "telehealth.identity";
            cookie.LoginPath = "/account/login";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8); // one working shift
            // A signed-in person without the role gets 403 where they asked, in both languages, not a redirect.
            cookie.Events.OnRedirectToAccessDenied = async context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("403 – Bạn không có quyền mở trang này. / You may not open this page.");
            };
        });
        services.AddRazorPages();
        // Vietnamese text goes out as UTF-8 characters, not as &#x...; entities for every accented letter.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddScoped<TokenClaims>();

        services.AddOpenIddict()
            .AddCore(core =>
            {
                // Applications, authorizations, scopes and tokens live in the same EF Core database as the accounts.
                core.UseEntityFrameworkCore().UseDbContext<IdentityStore>();
            })
            .AddServer(server =>
            {
                // Endpoints under /connect; discovery (/.well-known/openid-configuration) and JWKS (/.well-known/jwks) keep their defaults.
                server.SetAuthorizationEndpointUris("connect/authorize")
                      .SetTokenEndpointUris("connect/token")
                      .SetIntrospectionEndpointUris("connect/introspect")
                      .SetRevocationEndpointUris("connect/revoke")
                      .SetEndSessionEndpointUris("connect/endsession")
                      .SetUserInfoEndpointUris("connect/userinfo");

                // A fixed issuer: tokens name the same issuer whichever address or proxy the request came through.
                if (issuer.Length > 0) server.SetIssuer(new Uri(issuer, UriKind.Absolute));

                // People sign in with the code flow; services call each other with client credentials; sessions renew with refresh tokens.
                server.AllowAuthorizationCodeFlow()
                      .AllowClientCredentialsFlow()
                      .AllowRefreshTokenFlow();

                // Every code request must carry a PKCE challenge, public and confidential clients alike.
                server.RequireProofKeyForCodeExchange();

                // S256 only: a "plain" challenge is the verifier itself. OpenIddict 7 enables only S256 already; this keeps it so.
                server.Configure(options => options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));

                // Rolling refresh tokens are OpenIddict's default; no leeway means a spent one is refused at once and revokes its chain.
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // Protocol scopes known to every deployment; the resource scopes (SMART, api) are scope entities with their audiences.
                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess, PlatformScopes.FhirUser);

                // Advertised in discovery so clients know what the tokens say about a person.
                server.RegisterClaims(Claims.Subject, Claims.Name, Claims.Role, PlatformClaims.FhirUser, PlatformClaims.Organization);

                // Keys from files under Identity:KeyFolder, so a restart keeps tokens valid and the JWKS unchanged.
                // The current signing key first (OpenIddict signs with the first), then those still within their overlap.
                foreach (var key in keys.PublishedSigningKeys) server.AddSigningKey(key);
                server.AddEncryptionKey(keys.EncryptionKey);

                // Access tokens are signed JWTs that the record service and scheduling core validate themselves against the JWKS.
                server.DisableAccessTokenEncryption();

                // The ASP.NET Core host; the endpoints that need a person or an account are handled by our own code (Endpoints/).
                var aspNetCore = server.UseAspNetCore()
                      .EnableAuthorizationEndpointPassthrough()
                      .EnableTokenEndpointPassthrough()
                      .EnableEndSessionEndpointPassthrough()
                      .EnableUserInfoEndpointPassthrough();

                // On one machine the platform speaks plain HTTP on loopback; deployments behind TLS set Identity:RequireHttps=true.
                if (!requireHttps) aspNetCore.DisableTransportSecurityRequirement();
            })
            // Hospitals that run their own login: Federation/HospitalFederation.cs.
            .AddHospitalFederation(configuration, keys, requireHttps);

        return services;
    }
}

using OpenIddict.Client;
using Telehealth.Identity.Keys;
using Telehealth.ServiceDefaults;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Telehealth.Identity.Federation;

public static class HospitalFederation
{
    /// <summary>
    /// The OpenIddict client, with one registration per hospital in <c>Identity:Federation:Hospitals</c>, and what
    /// turns a hospital login into a local account. Without any hospital configured, no client is added at all.
    /// </summary>
    public static OpenIddictBuilder AddHospitalFederation(this OpenIddictBuilder openIddict, IConfiguration configuration,
        TokenKeyFolder keys, bool requireHttps)
    {
        var hospitals = HospitalDirectory.From(configuration, requireHttps);
        openIddict.Services.AddSingleton(hospitals);
        openIddict.Services.AddScoped<HospitalAccounts>();
        if (hospitals.All.Count == 0) return openIddict;

        openIddict.AddClient(client =>
        {
            // People come back from a hospital with an authorization code; nothing else is asked of a hospital.
            client.AllowAuthorizationCodeFlow();

            // State tokens are signed and encrypted with the server's keys from Identity:KeyFolder, so a sign-in begun on
            // one instance (or before a restart) completes on another. Their types differ from codes and tokens the
            // server issues, and each is stored (OpenIddict token storage) and accepted once.
            client.AddSigningKey(keys.SigningKey)
                  .AddEncryptionKey(keys.EncryptionKey);

            // One callback path per hospital: a response arriving at one hospital's path cannot be passed off as another's.
            client.SetRedirectionEndpointUris(hospitals.All.Select(h => h.CallbackPath).ToArray());

            var aspNetCore = client.UseAspNetCore()
                  // Our own handler (HospitalEndpoints.Callback) links the account once OpenIddict has validated the response.
                  .EnableRedirectionEndpointPassthrough()
                  // A hospital's error (cancelled sign-in) reaches that handler too, which shows a notice instead of a bare 400.
                  .EnableErrorPassthrough()
                  // Hospitals are reached through the OpenIddict scheme and a registration id, not one scheme per provider.
                  .DisableAutomaticAuthenticationSchemeForwarding();
            // Same rule as the server: plain HTTP only where Identity:RequireHttps is false (one machine, tests).
            if (!requireHttps)
            {
                aspNetCore.DisableTransportSecurityRequirement();
                // The correlation cookie is SameSite=None, which browsers accept only with Secure, which HTTP cannot
                // carry. Lax still reaches a top-level GET back from the hospital, hence the query response mode below.
                aspNetCore.Configure(options =>
                {
                    options.CookieBuilder.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    options.CookieBuilder.SameSite = SameSiteMode.Lax;
                });
            }

            // Discovery, JWKS, token and userinfo requests to the hospitals go through HttpClient.
            var http = client.UseSystemNetHttp();
            // A hospital whose login server has a certificate from the hospital's own authority (common on hospital
            // networks): that authority alone vouches for it, and only for that hospital's requests.
            foreach (var hospital in hospitals.All.Where(h => h.TrustedAuthority is not null))
                http.ConfigureHttpClientHandler(hospital.Key, handler =>
                    handler.ServerCertificateCustomValidationCallback = TrustedAuthority.IssuedBy(hospital.TrustedAuthority!));

            foreach (var hospital in hospitals.All)
            {
                var registration = new OpenIddictClientRegistration
                {
                    // OpenIddict checks that the discovery document, the identity token and the authorization response
                    // (RFC 9207 iss) all name exactly this issuer, and refuses the hospital otherwise.
                    Issuer = hospital.Issuer,
                    RegistrationId = hospital.Key,
                    ProviderName = hospital.Key,
                    ProviderDisplayName = hospital.DisplayName,
                    ClientId = hospital.ClientId,
                    ClientSecret = hospital.ClientSecret,
                    RedirectUri = new Uri(hospital.CallbackPath, UriKind.Relative),
                };
                // Code flow only, and S256 as the only PKCE method the client will use.
                registration.ResponseTypes.Add(ResponseTypes.Code);
                registration.GrantTypes.Add(GrantTypes.AuthorizationCode);
                registration.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
                if (!requireHttps) registration.ResponseModes.Add(ResponseModes.Query);
                registration.Scopes.UnionWith(hospital.Scopes);
                client.AddRegistration(registration);
            }
        });
        return openIddict;
    }
}

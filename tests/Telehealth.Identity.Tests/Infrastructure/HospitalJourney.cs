using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>
/// A person's way from a client's authorization request through the sign-in page, their hospital's login server
/// and back, with the SMART demo client (public, PKCE).
/// </summary>
public static class HospitalJourney
{
    public const string Scope = "openid profile fhirUser user/*.rs";

    /// <summary>The client's redirect URI: nothing serves it, so the browser stops there.</summary>
    public static bool AtClient(Uri url) => url.GetLeftPart(UriPartial.Path) == Oidc.SmartRedirect;

    /// <summary>
    /// Starts an authorization request (with <c>idp</c> when <paramref name="idp"/> is given, else by the hospital's
    /// button on the sign-in page), signs in at the hospital as <paramref name="subject"/> (or cancels there), and
    /// returns where the browser ended: the client's redirect URI with a code, or a page of the identity service.
    /// </summary>
    public static async Task<BrowserPage> SignInAsync(Browser browser, HospitalLoginServer hospital, string hospitalKey,
        string subject, Pkce pkce, string? idp = null, bool cancel = false, string scope = Scope)
    {
        var url = Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, scope, "st-" + subject, pkce);
        if (idp is not null) url += "&idp=" + Uri.EscapeDataString(idp);
        var page = await browser.OpenAsync(url, AtClient);

        if (idp is null)
        {
            Assert.Equal("/account/login", page.Url.AbsolutePath, ignoreCase: true);
            page = await browser.SubmitAsync(page, $"value=\"{hospitalKey}\"", stopAt: AtClient);
        }

        Assert.True(page.Url.ToString().StartsWith(hospital.Issuer + "interaction/", StringComparison.Ordinal),
            $"expected the hospital's sign-in form, got {(int)page.Status} {page.Url}:\n{page.Html}\n{hospital.Output}");
        var fields = new Dictionary<string, string> { ["login"] = subject };
        if (cancel) fields["cancel"] = "1";
        return await browser.SubmitAsync(page, "name=\"login\"", fields, AtClient);
    }

    /// <summary>The code the client received, redeemed with the PKCE verifier.</summary>
    public static async Task<TokenResponse> RedeemAsync(IdentityServiceHost host, BrowserPage atClient, Pkce pkce)
    {
        Assert.True(AtClient(atClient.Url), $"expected the client's redirect URI, got {(int)atClient.Status} {atClient.Url}:\n{atClient.Html}");
        var query = QueryHelpers.ParseQuery(atClient.Url.Query);
        Assert.False(query.ContainsKey("error"), $"the client got an error: {atClient.Url}");
        var tokens = await Oidc.RedeemCodeAsync(host.Client, Oidc.SmartClient, Oidc.SmartRedirect, query["code"].ToString(), pkce.Verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        return tokens;
    }
}

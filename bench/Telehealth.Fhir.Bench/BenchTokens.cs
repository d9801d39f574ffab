using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Telehealth.Fhir.Bench;

/// <summary>
/// Tokens from the identity service, got the way real clients get them: a service's by client credentials, a
/// person's by signing in through the sign-in page with code + PKCE (the SMART demo client).
/// </summary>
public static partial class BenchTokens
{
    public const string ServiceClient = "demo-system";
    public const string ServiceSecret = "demo-system-secret";
    private const string SmartClient = "smart-demo";
    private const string SmartRedirect = "http://127.0.0.1:5090/callback";

    public static async Task<string> ServiceTokenAsync(HttpClient identity, string scope = "system/*.cruds")
    {
        using var response = await identity.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ServiceClient,
            ["client_secret"] = ServiceSecret,
            ["scope"] = scope,
        }));
        return await AccessTokenAsync(response);
    }

    /// <summary>Signs <paramref name="user"/> in (demo password) and redeems the code for an access token.</summary>
    public static async Task<string> UserTokenAsync(Uri identity, string user, string password, string scope)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = identity };
        var verifier = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var challenge = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = $"connect/authorize?client_id={SmartClient}&response_type=code&redirect_uri={Uri.EscapeDataString(SmartRedirect)}" +
                        $"&scope={Uri.EscapeDataString(scope)}&state=bench&code_challenge={challenge}&code_challenge_method=S256";
        var login = Redirect(await http.GetAsync(authorize), identity);
        var page = await http.GetStringAsync(login);
        var antiforgery = AntiforgeryToken().Match(page);
        if (!antiforgery.Success) throw new InvalidOperationException("The sign-in page has no antiforgery token.");
        var signedIn = await http.PostAsync(login, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = user,
            ["Password"] = password,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery.Groups[1].Value),
        }));
        var callback = Redirect(await http.GetAsync(Redirect(signedIn, identity)), identity);
        var code = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        using var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = SmartClient,
            ["redirect_uri"] = SmartRedirect,
            ["code"] = code,
            ["code_verifier"] = verifier,
        }));
        return await AccessTokenAsync(response);
    }

    private static Uri Redirect(HttpResponseMessage response, Uri identity)
    {
        var location = response.Headers.Location ?? throw new InvalidOperationException($"Expected a redirect, got {(int)response.StatusCode}.");
        return location.IsAbsoluteUri ? location : new Uri(identity, location);
    }

    private static async Task<string> AccessTokenAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"The token request failed ({(int)response.StatusCode}): {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

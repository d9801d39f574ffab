using System.Net;
using System.Text.RegularExpressions;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>
/// A user agent for the sign-in page: keeps cookies, follows no redirect by itself, so each hop can be checked.
/// </summary>
/// <param name="trust">The one authority trusted for HTTPS, a hospital's own (its login server's certificate).</param>
public sealed partial class Browser(Uri baseAddress, TestAuthority? trust = null) : IDisposable
{
    private readonly HttpClient http = new(Handler(trust))
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    private static HttpClientHandler Handler(TestAuthority? trust) =>
        TestAuthority.Handler(trust, new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true });

    public Task<HttpResponseMessage> GetAsync(string url) => http.GetAsync(url);

    public Task<HttpResponseMessage> GetAsync(Uri url) => http.GetAsync(url);

    public Task<HttpResponseMessage> PostAsync(string url, HttpContent content) => http.PostAsync(url, content);

    public Task<HttpResponseMessage> PostAsync(Uri url, HttpContent content) => http.PostAsync(url, content);

    /// <summary>Where a redirect points, made absolute against the identity service.</summary>
    public Uri RedirectTarget(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther,
            $"expected a redirect, got {(int)response.StatusCode} {response.StatusCode}");
        var location = response.Headers.Location ?? throw new InvalidOperationException("A redirect without a Location header.");
        return location.IsAbsoluteUri ? location : new Uri(http.BaseAddress!, location);
    }

    /// <summary>Fills the sign-in form at <paramref name="loginPage"/> (with its antiforgery token) and posts it.</summary>
    public async Task<HttpResponseMessage> SignInAsync(Uri loginPage, string userName, string password)
    {
        var page = await http.GetAsync(loginPage);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, "the sign-in page has no antiforgery token");
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = userName,
            ["Password"] = password,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        });
        // The form posts back to the page's own address, which carries the ReturnUrl.
        return await http.PostAsync(loginPage, form);
    }

    public void Dispose() => http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

using System.Net;
using System.Text.RegularExpressions;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>Reading the service's pages and filling in their forms as a browser would (with the antiforgery token).</summary>
public static partial class PageForms
{
    /// <summary>GETs a page that must answer 200 and returns its HTML.</summary>
    public static async Task<string> ReadAsync(this Browser browser, string url)
    {
        using var response = await browser.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// Opens <paramref name="page"/>, takes its antiforgery token, and posts <paramref name="fields"/> to
    /// <paramref name="action"/> (the page itself unless given), as the page's form would.
    /// </summary>
    public static async Task<HttpResponseMessage> SubmitAsync(this Browser browser, string page, IDictionary<string, string> fields, string? action = null)
    {
        var html = await browser.ReadAsync(page);
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = AntiforgeryToken(html) };
        return await browser.PostAsync(action ?? page, new FormUrlEncodedContent(form));
    }

    public static string AntiforgeryToken(string html)
    {
        var token = AntiforgeryField().Match(html);
        Assert.True(token.Success, "the page has no antiforgery token");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    /// <summary>The text of the element with this id (HTML-decoded), or null.</summary>
    public static string? ElementText(string html, string id)
    {
        var match = Regex.Match(html, $"id=\"{Regex.Escape(id)}\"[^>]*>([^<]*)<");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : null;
    }

    /// <summary>The href of the element with this id (HTML-decoded), or null.</summary>
    public static string? Link(string html, string id)
    {
        var match = Regex.Match(html, $"id=\"{Regex.Escape(id)}\" href=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    /// <summary>The src of the element with this id (HTML-decoded), or null.</summary>
    public static string? ImageSource(string html, string id)
    {
        var match = Regex.Match(html, $"id=\"{Regex.Escape(id)}\" src=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    /// <summary>Every text of elements with this class, in order (HTML-decoded).</summary>
    public static IReadOnlyList<string> ClassTexts(string html, string cssClass) =>
        Regex.Matches(html, $"class=\"{Regex.Escape(cssClass)}\"[^>]*>([^<]*)<")
            .Select(m => WebUtility.HtmlDecode(m.Groups[1].Value).Trim()).ToList();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

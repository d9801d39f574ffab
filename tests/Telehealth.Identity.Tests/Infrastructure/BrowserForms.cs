using System.Net;
using System.Text.RegularExpressions;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>A page the browser ended on: its address, status and HTML, and every address this browser has opened so far.</summary>
public sealed record BrowserPage(Uri Url, HttpStatusCode Status, string Html, IReadOnlyList<Uri> Path)
{
    /// <summary>Whether the journey passed through a path of the identity service or another site, e.g. <c>/account/login</c>.</summary>
    public bool PassedThrough(string absolutePath) =>
        Path.Any(u => u.AbsolutePath.Equals(absolutePath, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Following redirects and submitting forms across sites (the identity service and a hospital's login server).</summary>
public sealed partial class Browser
{
    private const int MaxRedirects = 20;

    private readonly List<Uri> history = [];

    /// <summary>Opens <paramref name="url"/> (relative to the identity service) and follows redirects, see <see cref="FollowAsync"/>.</summary>
    public async Task<BrowserPage> OpenAsync(string url, Func<Uri, bool>? stopAt = null)
    {
        var address = new Uri(http.BaseAddress!, url);
        return await FollowAsync(await http.GetAsync(address), address, stopAt);
    }

    /// <summary>
    /// Follows redirects as a browser would until a page answers, or until a redirect points at an address
    /// <paramref name="stopAt"/> accepts (a client's redirect URI, which nothing serves in the tests); then
    /// <see cref="BrowserPage.Url"/> is that address and the HTML is empty.
    /// </summary>
    public async Task<BrowserPage> FollowAsync(HttpResponseMessage response, Uri from, Func<Uri, bool>? stopAt = null)
    {
        var current = from;
        history.Add(from);
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using (response)
            {
                if (response.Headers.Location is not { } location || (int)response.StatusCode is < 300 or > 399)
                    return new BrowserPage(current, response.StatusCode, await response.Content.ReadAsStringAsync(), [.. history]);
                current = new Uri(current, location);
                history.Add(current);
                if (stopAt?.Invoke(current) == true) return new BrowserPage(current, response.StatusCode, "", [.. history]);
            }
            response = await http.GetAsync(current);
        }
        throw new InvalidOperationException($"More than {MaxRedirects} redirects: {string.Join(" → ", history)}");
    }

    /// <summary>
    /// Submits the first form on <paramref name="page"/> whose HTML contains <paramref name="formContaining"/> (a button
    /// text, a hidden value): its hidden inputs and first options, overridden by <paramref name="fields"/>, posted to its
    /// action; then follows redirects.
    /// </summary>
    public Task<BrowserPage> SubmitAsync(BrowserPage page, string formContaining, IReadOnlyDictionary<string, string>? fields = null,
        Func<Uri, bool>? stopAt = null) => SubmitAsync(page, [formContaining], fields, stopAt);

    /// <summary>As above, with the first form that contains every one of <paramref name="formContainingAll"/>.</summary>
    public async Task<BrowserPage> SubmitAsync(BrowserPage page, string[] formContainingAll, IReadOnlyDictionary<string, string>? fields = null,
        Func<Uri, bool>? stopAt = null)
    {
        var form = FormPattern().Matches(page.Html).Select(m => m.Value)
            .FirstOrDefault(f => formContainingAll.All(text => f.Contains(text, StringComparison.Ordinal)))
            ?? throw new Xunit.Sdk.XunitException($"No form containing '{string.Join("', '", formContainingAll)}' on {page.Url}:\n{page.Html}");
        var formTag = TagPattern().Match(form).Value;
        var action = Attributes(formTag).GetValueOrDefault("action");
        var target = string.IsNullOrEmpty(action) ? page.Url : new Uri(page.Url, action);

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in InputPattern().Matches(form))
        {
            var attributes = Attributes(input.Value);
            if (attributes.TryGetValue("name", out var name)) values[name] = attributes.GetValueOrDefault("value") ?? "";
        }
        foreach (Match select in SelectPattern().Matches(form)) values[select.Groups["name"].Value] = WebUtility.HtmlDecode(select.Groups["first"].Value);
        foreach (var (name, value) in fields ?? new Dictionary<string, string>()) values[name] = value;

        return await FollowAsync(await http.PostAsync(target, new FormUrlEncodedContent(values)), target, stopAt);
    }

    private static Dictionary<string, string> Attributes(string tag) =>
        AttributePattern().Matches(tag).ToDictionary(m => m.Groups["name"].Value.ToLowerInvariant(), m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    [GeneratedRegex("<form\\b.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormPattern();

    [GeneratedRegex("^<form\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex TagPattern();

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputPattern();

    [GeneratedRegex("<select\\b[^>]*name=\"(?<name>[^\"]+)\"[^>]*>.*?<option\\b[^>]*value=\"(?<first>[^\"]*)\"", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex SelectPattern();

    [GeneratedRegex("(?<name>[A-Za-z_:][-A-Za-z0-9_:.]*)\\s*=\\s*\"(?<value>[^\"]*)\"")]
    private static partial Regex AttributePattern();
}

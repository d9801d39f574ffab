using Microsoft.Extensions.Options;
using Telehealth.Fhir.Hosting;

namespace Telehealth.Fhir.Indexing;

/// <summary>
/// The addresses this record service answers at: an absolute reference under one of them ("http://…/fhir/Patient/1")
/// names a resource stored here; any other absolute URL names a resource on another server and is kept as that URL,
/// so it never matches, or opens access to, a local resource that happens to have the same type and id.
/// </summary>
/// <remarks>
/// The addresses are <c>Fhir:BaseUrls</c> (the public names a deployment is reached by, behind a proxy) and the
/// address of the request being served, as the service writes it into its own links.
/// </remarks>
public sealed class LocalBases(IOptions<RecordServiceOptions> options, IHttpContextAccessor http)
{
    private readonly HashSet<string> configured = [.. options.Value.BaseUrls.Select(Normalize).OfType<string>()];

    /// <summary>Whether <paramref name="baseUrl"/> (a reference's text before "Type/id") is this server's.</summary>
    public bool Contains(string baseUrl)
    {
        if (Normalize(baseUrl) is not { } wanted) return false;
        if (configured.Contains(wanted)) return true;
        return http.HttpContext?.Request is { } request && Normalize(Interactions.FhirResults.BaseUrl(request)) == wanted;
    }

    /// <summary>Scheme and host in lower case, the default port left out, no trailing slash; the path as written.</summary>
    private static string? Normalize(string url)
    {
        if (!Uri.TryCreate(url.TrimEnd('/'), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return null;
        var port = uri.IsDefaultPort ? "" : $":{uri.Port}";
        return $"{uri.Scheme}://{uri.Host.ToLowerInvariant()}{port}{uri.AbsolutePath.TrimEnd('/')}";
    }
}

using System.Net;
using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Tests.Infrastructure;

/// <summary>Builds batch and transaction entries and posts bundles.</summary>
public static class BundleHttp
{
    public static Bundle.EntryComponent Entry(Bundle.HTTPVerb method, string url, Resource? resource = null, string? fullUrl = null,
        string? ifNoneExist = null, string? ifMatch = null) => new()
    {
        FullUrl = fullUrl,
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = method, Url = url, IfNoneExist = ifNoneExist, IfMatch = ifMatch },
    };

    /// <summary>Posts a batch or transaction, expects 200 and a response bundle of the matching type with one entry per entry sent.</summary>
    public static async Task<Bundle> PostBundleAsync(this HttpClient client, Bundle.BundleType type, params Bundle.EntryComponent[] entries)
    {
        var bundle = new Bundle { Type = type };
        bundle.Entry.AddRange(entries);
        var response = await client.PostAsync("", FhirHttp.Content(bundle));
        await FhirHttp.ExpectAsync(response, HttpStatusCode.OK);
        var result = await FhirHttp.ReadAsync<Bundle>(response);
        Assert.Equal(type == Bundle.BundleType.Batch ? Bundle.BundleType.BatchResponse : Bundle.BundleType.TransactionResponse, result.Type);
        Assert.Equal(entries.Length, result.Entry.Count);
        return result;
    }

    /// <summary>Reads a resource, expecting 200.</summary>
    public static async Task<T> ReadOkAsync<T>(this HttpClient client, string url) where T : Resource
    {
        var response = await client.GetAsync(url);
        await FhirHttp.ExpectAsync(response, HttpStatusCode.OK);
        return await FhirHttp.ReadAsync<T>(response);
    }
}

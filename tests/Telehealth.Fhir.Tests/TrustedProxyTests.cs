using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests;

/// <summary>
/// Behind the gateway (or a TLS proxy) the record service writes its links at the public address the proxy reports,
/// and takes references under that address for its own; only a proxy named in <c>ForwardedHeaders:TrustedProxies</c>
/// is believed, so a client cannot claim another scheme or host.
/// </summary>
public sealed class TrustedProxyTests(SqliteStore store) : IClassFixture<SqliteStore>
{
    private const string PublicBase = "https://fhir.benhvien-k.vn/fhir";

    private static HttpRequestMessage ViaProxy(HttpMethod method, string url, Resource? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : FhirHttp.Content(body) };
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "fhir.benhvien-k.vn");
        request.Headers.Add("X-Forwarded-For", "203.113.1.20");
        return request;
    }

    private static async Task<(HttpStatusCode Status, Uri? Location, T Body)> SendAsync<T>(HttpClient client, HttpRequestMessage request) where T : Resource
    {
        using var response = await client.SendAsync(request);
        var status = response.StatusCode;
        return (status, response.Headers.Location, await FhirHttp.ReadAsync<T>(response));
    }

    /// <summary>
    /// Through the proxy: a patient, then an observation whose subject is that patient at the public address.
    /// Returns where the patient was said to be, and both ids.
    /// </summary>
    private static async Task<(Uri Location, string Patient, string Observation)> WriteThroughProxyAsync(HttpClient client)
    {
        var (status, location, patient) = await SendAsync<Patient>(client,
            ViaProxy(HttpMethod.Post, "Patient", new Patient { Name = [new HumanName { Family = "Lý" }] }));
        Assert.Equal(HttpStatusCode.Created, status);
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Subject = new ResourceReference($"{PublicBase}/Patient/{patient.Id}"),
        };
        var (_, _, created) = await SendAsync<Observation>(client, ViaProxy(HttpMethod.Post, "Observation", observation));
        return (location!, patient.Id, created.Id);
    }

    /// <summary>The network address the AuditEvent of the observation's creation gives for the person or client.</summary>
    private static async Task<string?> CreatedFromAsync(HttpClient client, string observation)
    {
        var change = (await client.SearchAsync($"AuditEvent?entity=Observation/{observation}&action=C")).Entry.Select(e => (AuditEvent)e.Resource).Single();
        return change.Agent.Single(a => a.Requestor == true).Network?.Address;
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_links_and_own_references_use_the_public_https_address()
    {
        using var gateway = new RecordServiceHost(new Dictionary<string, string?>(store.HostSettings) { ["ForwardedHeaders:TrustedProxies:0"] = "127.0.0.1" });
        var (location, patient, created) = await WriteThroughProxyAsync(gateway.Client);
        Assert.Equal($"{PublicBase}/Patient/{patient}/_history/1", location.ToString());
        var (_, _, found) = await SendAsync<Bundle>(gateway.Client, ViaProxy(HttpMethod.Get, $"Observation?subject=Patient/{patient}"));
        Assert.Equal([created], found.Entry.Select(e => e.Resource.Id));
        Assert.StartsWith($"{PublicBase}/Observation?", found.Link.Single(l => l.Relation == "self").Url, StringComparison.Ordinal);
        Assert.Equal($"{PublicBase}/Observation/{created}", found.Entry[0].FullUrl);
        // The audit trail names the client's address, not the gateway's.
        Assert.Equal("203.113.1.20", await CreatedFromAsync(gateway.Client, created));
    }

    [Fact]
    public async Task Without_a_trusted_proxy_the_headers_are_ignored_and_the_address_stays_another_servers()
    {
        var direct = store.Host;
        var (location, patient, created) = await WriteThroughProxyAsync(direct.Client);
        Assert.Equal($"{direct.BaseUrl}/Patient/{patient}/_history/1", location.ToString());
        var (_, _, local) = await SendAsync<Bundle>(direct.Client, ViaProxy(HttpMethod.Get, $"Observation?subject=Patient/{patient}"));
        Assert.Empty(local.Entry);
        var (_, _, foreign) = await SendAsync<Bundle>(direct.Client,
            ViaProxy(HttpMethod.Get, $"Observation?subject={Uri.EscapeDataString($"{PublicBase}/Patient/{patient}")}"));
        Assert.Equal([created], foreign.Entry.Select(e => e.Resource.Id));
        Assert.Equal("127.0.0.1", await CreatedFromAsync(direct.Client, created));
        Assert.StartsWith($"{direct.BaseUrl}/Observation?", foreign.Link.Single(l => l.Relation == "self").Url, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trusted_proxy_that_is_not_an_address_stops_the_start_and_says_which()
    {
        var failure = Assert.ThrowsAny<Exception>(() =>
        {
            using var host = new RecordServiceHost(new Dictionary<string, string?>(store.HostSettings) { ["ForwardedHeaders:TrustedProxies:0"] = "gateway.local" });
        });
        Assert.Contains("'gateway.local'", failure.ToString());
        Assert.Contains("ForwardedHeaders:TrustedProxies", failure.ToString());
    }
}

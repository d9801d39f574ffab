using System.Net;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests;

/// <summary>A service that accepts bodies of at most <see cref="Limit"/> bytes.</summary>
public static class SmallBodyLimit
{
    public const int Limit = 4096;

    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Fhir:MaxBodyBytes"] = $"{Limit}" };
}

public sealed class SmallBodySqliteStore() : SqliteStore(SmallBodyLimit.Settings);

public sealed class SmallBodyPostgresStore() : PostgresStore(SmallBodyLimit.Settings);

/// <summary>A body over <c>Fhir:MaxBodyBytes</c> is refused with 413, whether or not it announces its length.</summary>
public abstract class BodyLimitTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private HttpClient Client => store.Host.Client;

    private static string PatientOfSize(int bytes, string marker)
    {
        var json = $$"""{"resourceType":"Patient","identifier":[{"system":"urn:test:body-limit","value":"{{marker}}"}],"name":[{"text":"" }]}""";
        return json.Replace("\"text\":\"\"", $"\"text\":\"{new string('a', Math.Max(0, bytes - json.Length))}\"");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_and_stores_nothing()
    {
        var marker = "BL" + Guid.NewGuid().ToString("N")[..8];
        var before = await Client.LatestChangeAsync();

        var announced = await Client.PostAsync("Patient", FhirHttp.Content(PatientOfSize(SmallBodyLimit.Limit * 3, marker)));
        await FhirHttp.ExpectAsync(announced, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains($"{SmallBodyLimit.Limit} bytes", await FhirHttp.OutcomeTextAsync(announced));

        // Chunked: the length is only known while reading, so the limit is enforced on the stream.
        var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(PatientOfSize(SmallBodyLimit.Limit * 3, marker))));
        chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/fhir+json");
        var request = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var streamed = await Client.SendAsync(request);
        await FhirHttp.ExpectAsync(streamed, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains($"{SmallBodyLimit.Limit} bytes", await FhirHttp.OutcomeTextAsync(streamed));

        Assert.Equal(before, await Client.LatestChangeAsync());
        Assert.Equal(0, await Client.CountAsync("Patient", $"identifier={marker}"));
    }

    [Fact]
    public async Task A_body_just_under_the_limit_is_accepted()
    {
        var marker = "BL" + Guid.NewGuid().ToString("N")[..8];
        var body = PatientOfSize(SmallBodyLimit.Limit - 100, marker);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(body) <= SmallBodyLimit.Limit);
        await FhirHttp.ExpectAsync(await Client.PostAsync("Patient", FhirHttp.Content(body)), HttpStatusCode.Created);
        Assert.Equal(1, await Client.CountAsync("Patient", $"identifier={marker}"));
    }
}

public sealed class SqliteBodyLimitTests(SmallBodySqliteStore store) : BodyLimitTests<SmallBodySqliteStore>(store);

public sealed class PostgresBodyLimitTests(SmallBodyPostgresStore store) : BodyLimitTests<SmallBodyPostgresStore>(store);

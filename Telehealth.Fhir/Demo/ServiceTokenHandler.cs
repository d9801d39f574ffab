using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Telehealth.Fhir.Demo;

/// <summary>The demo loader's own client registration at the identity service (<c>Demo:Client</c>).</summary>
public sealed class DemoClientOptions
{
    public string ClientId { get; set; } = "demo-system";
    public string? ClientSecret { get; set; }
    public string Scope { get; set; } = "system/*.cruds";
}

/// <summary>
/// Adds a service token (client credentials at the identity service's token endpoint, found through its discovery
/// document) to each request, fetching a new one shortly before the last expires.
/// </summary>
internal sealed class ServiceTokenHandler(IOptions<DemoClientOptions> client, IOptions<Access.AccessOptions> access, TimeProvider clock)
    : DelegatingHandler
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? token;
    private DateTimeOffset expires;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<string> TokenAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (token is not null && clock.GetUtcNow() < expires) return token;
            var authority = access.Value.Authority?.TrimEnd('/')
                            ?? throw new InvalidOperationException("Fhir:Auth:Authority is not set, so the demo loader cannot get a token.");
            using var http = new HttpClient();
            using var discovery = JsonDocument.Parse(await http.GetStringAsync($"{authority}/.well-known/openid-configuration", ct));
            var endpoint = discovery.RootElement.GetProperty("token_endpoint").GetString()!;
            using var response = await http.PostAsync(endpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = client.Value.ClientId,
                ["client_secret"] = client.Value.ClientSecret ?? "",
                ["scope"] = client.Value.Scope,
            }), ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"The identity service refused the demo loader's client credentials ({(int)response.StatusCode}): {body}");
            using var json = JsonDocument.Parse(body);
            token = json.RootElement.GetProperty("access_token").GetString()!;
            var lifetime = json.RootElement.TryGetProperty("expires_in", out var e) ? e.GetInt32() : 300;
            expires = clock.GetUtcNow().AddSeconds(lifetime * 0.8);
            return token;
        }
        finally
        {
            gate.Release();
        }
    }
}

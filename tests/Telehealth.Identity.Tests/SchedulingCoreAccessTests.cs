extern alias api;
using Grpc.Core;
using Telehealth.Identity.Tests.Infrastructure;
using CallersClient = api::Telehealth.Api.V1.Callers.CallersClient;
using GetCurrentCallerRequest = api::Telehealth.Api.V1.GetCurrentCallerRequest;

namespace Telehealth.Identity.Tests;

/// <summary>
/// Tokens from the real identity service, checked by the real scheduling core against the keys it publishes: a
/// signed-in doctor reaches it as their role, Practitioner and station; a token for the record service alone does not.
/// </summary>
public sealed class SchedulingCoreAccessTests(SchedulingCoreStore store) : IClassFixture<SchedulingCoreStore>
{
    private CallersClient Callers => new(store.Core.Channel);

    private static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };

    private async Task<string> ServiceTokenAsync(string scope) => (await Oidc.ServiceTokenAsync(store.Host, scope)).AccessToken;

    [Fact]
    public async Task A_commune_doctor_signed_in_through_the_web_client_reaches_the_scheduling_core_as_themself()
    {
        var token = await Oidc.WebAppTokenAsync(store.Host, "bs.xa", "openid fhirUser api");
        var caller = await Callers.GetCurrentCallerAsync(new GetCurrentCallerRequest(), Bearer(token));
        Assert.Equal(["commune_doctor"], caller.Roles);
        Assert.Equal("Practitioner/bs-tran-van-phuoc", caller.FhirUser);
        Assert.Equal("Organization/tyt-phu-tuc", caller.Organization);
        Assert.Equal(Oidc.WebClient, caller.ClientId);
        Assert.Contains("api", caller.Scopes);
        Assert.False(caller.IsService);
    }

    [Fact]
    public async Task A_script_with_the_api_scope_is_a_service_and_a_record_service_token_is_refused()
    {
        var script = await Callers.GetCurrentCallerAsync(new GetCurrentCallerRequest(), Bearer(await ServiceTokenAsync("api")));
        Assert.True(script.IsService);
        Assert.Equal("demo-system", script.ClientId);

        var recordServiceToken = await ServiceTokenAsync("system/*.rs");
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Callers.GetCurrentCallerAsync(new GetCurrentCallerRequest(), Bearer(recordServiceToken)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("wrong audience", refused.Status.Detail);
    }
}

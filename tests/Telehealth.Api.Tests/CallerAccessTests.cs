using Google.Rpc;
using Grpc.Core;
using Telehealth.Api.Tests.Infrastructure;
using Telehealth.Api.V1;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Api.Tests;

/// <summary>
/// The scheduling core refuses every call without a valid token for it (Unauthenticated) or without the method's
/// scope (PermissionDenied), saying why; a valid token's caller reaches the method as the token describes them.
/// </summary>
public sealed class CallerAccessTests(ApiHost host) : IClassFixture<ApiHost>
{
    private const string Audience = "telehealth-api";

    private Telehealth.Api.V1.Callers.CallersClient Client => new(host.Channel);

    private static Metadata Bearer(string? token) => token is null ? new Metadata() : new Metadata { { "authorization", $"Bearer {token}" } };

    [Fact]
    public async Task A_commune_doctors_token_reaches_the_method_with_their_role_resource_facility_and_scopes()
    {
        var token = TestTokens.Mint("user-17", "openid fhirUser api", role: "commune_doctor", fhirUser: "Practitioner/bs-tran-van-phuoc",
            organization: "Organization/tyt-phu-tuc", client: "telehealth-web", audience: Audience);
        var caller = await Client.GetCurrentCallerAsync(new GetCurrentCallerRequest(), Bearer(token));
        Assert.Equal("user-17", caller.Subject);
        Assert.Equal("telehealth-web", caller.ClientId);
        Assert.Equal(["commune_doctor"], caller.Roles);
        Assert.Equal("Practitioner/bs-tran-van-phuoc", caller.FhirUser);
        Assert.Equal("Organization/tyt-phu-tuc", caller.Organization);
        Assert.Equal(["api", "fhirUser", "openid"], caller.Scopes);
        Assert.False(caller.IsService);
    }

    [Fact]
    public async Task A_services_token_is_a_service_with_no_person_behind_it()
    {
        var caller = await Client.GetCurrentCallerAsync(new GetCurrentCallerRequest(),
            Bearer(TestTokens.Mint("demo-system", "api", client: "demo-system", audience: Audience)));
        Assert.True(caller.IsService);
        Assert.Equal("demo-system", caller.ClientId);
        Assert.Empty(caller.Roles);
        Assert.Equal("", caller.FhirUser);
    }

    public static TheoryData<string?, string, string> BadTokens => new()
    {
        { null, "needs an access token", "TOKEN_MISSING" },
        { "not-a-token", "not a valid token", "TOKEN_INVALID" },
        { TestTokens.Mint("svc", "api", audience: Audience, expires: DateTime.UtcNow.AddMinutes(-5)), "expired", "TOKEN_EXPIRED" },
        { TestTokens.Mint("svc", "system/*.rs"), "wrong audience", "TOKEN_WRONG_AUDIENCE" },
        { TestTokens.Mint("svc", "api", audience: Audience, issuer: "https://elsewhere.test/"), "not issued by", "TOKEN_WRONG_ISSUER" },
        { TestTokens.Mint("svc", "api", audience: Audience, key: TestTokens.StrangerKey), "signature", "TOKEN_BAD_SIGNATURE" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_call_with_a_missing_or_bad_token_is_unauthenticated_and_says_why(string? token, string mention, string reason)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.GetCurrentCallerAsync(new GetCurrentCallerRequest(), Bearer(token)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains(mention, refused.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(reason, refused.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        Assert.StartsWith("Bearer", refused.Trailers.GetValue("www-authenticate"));
    }

    [Fact]
    public async Task A_valid_token_without_the_methods_scope_is_permission_denied_naming_the_scope()
    {
        var token = TestTokens.Mint("user-17", "openid fhirUser", role: "commune_doctor", fhirUser: "Practitioner/bs-tran-van-phuoc",
            organization: "Organization/tyt-phu-tuc", audience: Audience);
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.GetCurrentCallerAsync(new GetCurrentCallerRequest(), Bearer(token)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("\"api\"", refused.Status.Detail);
        var info = refused.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.Equal("SCOPE_MISSING", info?.Reason);
        Assert.Equal("api", info?.Metadata["scope"]);
        Assert.Contains("insufficient_scope", refused.Trailers.GetValue("www-authenticate"));
    }
}

using System.Security.Claims;
using Telehealth.ServiceDefaults;

namespace Telehealth.Fhir.Access;

/// <summary>The platform roles (the identity service issues them as <c>role</c> claims).</summary>
public static class Roles
{
    public const string CommuneDoctor = "commune_doctor";
    public const string Specialist = "specialist";
    public const string Coordinator = "coordinator";
    public const string Patient = "patient";
    public const string FacilityAdmin = "facility_admin";
    public const string PlatformAdmin = "platform_admin";
}

/// <summary>
/// Who is calling, as the access token says: a person (with roles, the FHIR resource they are and the facility they
/// act for) or a service acting for itself (client credentials: no person, system scopes).
/// </summary>
public sealed record Caller(
    string Subject,
    string? ClientId,
    IReadOnlySet<string> Roles,
    string? FhirUser,
    string? Organization,
    SmartScopes Scopes,
    string? Address)
{
    /// <summary>A service with its own token: no person behind it.</summary>
    public bool IsSystem => FhirUser is null && Roles.Count == 0;

    public bool Has(string role) => Roles.Contains(role);

    /// <summary>The id of the FHIR resource the person is, when it is of this type (<c>Patient/123</c> → 123).</summary>
    public string? FhirUserId(string type) =>
        FhirUser is { } user && user.StartsWith(type + "/", StringComparison.Ordinal) ? user[(type.Length + 1)..] : null;

    /// <summary>The id of the caller's organization (<c>Organization/abc</c> → abc).</summary>
    public string? OrganizationId =>
        Organization is { } org && org.StartsWith("Organization/", StringComparison.Ordinal) ? org["Organization/".Length..] : null;

    public static Caller From(ClaimsPrincipal user, string? address)
    {
        var token = TokenCaller.From(user);
        return new Caller(token.Subject, token.ClientId, token.Roles, token.FhirUser, token.Organization, SmartScopes.Parse(token.Scopes), address);
    }
}

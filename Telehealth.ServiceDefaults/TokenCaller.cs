using System.Security.Claims;

namespace Telehealth.ServiceDefaults;

/// <summary>
/// Who is calling, as a checked access token says: a person (roles, the FHIR resource they are, the facility they act
/// for) or a service acting for itself (client credentials: no person behind it). The claims are read as the identity
/// service writes them (<see cref="PlatformTokens"/> keeps their names).
/// </summary>
public sealed record TokenCaller(
    string Subject,
    string? ClientId,
    IReadOnlySet<string> Roles,
    string? FhirUser,
    string? Organization,
    IReadOnlySet<string> Scopes)
{
    /// <summary>A service with its own token: no person behind it.</summary>
    public bool IsService => FhirUser is null && Roles.Count == 0;

    public static TokenCaller From(ClaimsPrincipal user) => new(
        user.FindFirst("sub")?.Value ?? "",
        user.FindFirst("client_id")?.Value ?? user.FindFirst("azp")?.Value,
        user.FindAll("role").Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        user.FindFirst("fhirUser")?.Value,
        user.FindFirst("organization")?.Value,
        user.FindAll("scope").Concat(user.FindAll("scp"))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal));
}

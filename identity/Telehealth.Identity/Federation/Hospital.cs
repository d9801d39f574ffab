using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Telehealth.Identity.Accounts;

namespace Telehealth.Identity.Federation;

/// <summary>
/// A hospital that runs its own OpenID Connect login server, read from <c>Identity:Federation:Hospitals:&lt;Key&gt;</c>.
/// Adding one is a configuration change: each becomes an OpenIddict client registration at start-up.
/// </summary>
public sealed record Hospital(
    string Key,
    Uri Issuer,
    string ClientId,
    string? ClientSecret,
    string DisplayName,
    string Organization,
    string LicenceClaim,
    string? EmailClaim,
    string GroupsClaim,
    IReadOnlyDictionary<string, string> Roles,
    IReadOnlyList<string> Scopes,
    X509Certificate2? TrustedAuthority = null)
{
    /// <summary>Where the hospital sends the browser back; one path per hospital, so a response is tied to who it came from.</summary>
    public string CallbackPath => $"account/hospital/{Key}/callback";

    /// <summary>
    /// The platform roles the person's upstream groups map to. A group missing from <see cref="Roles"/> grants
    /// nothing, whatever it is called: upstream group names are never taken as roles themselves.
    /// </summary>
    public IReadOnlyList<string> RolesFor(IEnumerable<string> groups) =>
        groups.Where(Roles.ContainsKey).Select(g => Roles[g]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}

/// <summary>The configured hospitals, validated once at start-up so a mistake stops the service instead of a sign-in.</summary>
public sealed partial class HospitalDirectory
{
    public const string Section = "Identity:Federation:Hospitals";

    private readonly Dictionary<string, Hospital> byKey;

    public HospitalDirectory(IEnumerable<Hospital> hospitals)
    {
        All = hospitals.OrderBy(h => h.DisplayName, StringComparer.CurrentCulture).ToList();
        byKey = All.ToDictionary(h => h.Key, StringComparer.Ordinal);
    }

    /// <summary>In the order the sign-in page shows them.</summary>
    public IReadOnlyList<Hospital> All { get; }

    public Hospital? Find(string? key) => key is not null && byKey.TryGetValue(key, out var hospital) ? hospital : null;

    /// <param name="requireHttps">Identity:RequireHttps: then a hospital's issuer must be https too.</param>
    public static HospitalDirectory From(IConfiguration configuration, bool requireHttps) =>
        new(configuration.GetSection(Section).GetChildren().Select(section => Read(section, requireHttps)));

    private static Hospital Read(IConfigurationSection section, bool requireHttps)
    {
        var key = section.Key;
        string Required(string name) => section[name] is { Length: > 0 } value ? value
            : throw Invalid(key, $"{name} is required");

        // The key names a URL path segment, a login provider in the accounts table and a form value.
        if (!KeyPattern().IsMatch(key)) throw Invalid(key, "the key must be lower-case letters, digits and '-', e.g. bv-cho-ray");

        if (!Uri.TryCreate(Required("Issuer"), UriKind.Absolute, out var issuer) || issuer.Scheme is not ("https" or "http"))
            throw Invalid(key, "Issuer must be an absolute http(s) URI");
        if (requireHttps && issuer.Scheme != Uri.UriSchemeHttps)
            throw Invalid(key, "Issuer must be https while Identity:RequireHttps is true");

        var organization = Required("Organization");
        if (!FhirReferences.Organization().IsMatch(organization)) throw Invalid(key, "Organization must be a reference such as Organization/bv-cho-ray");

        var roles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mapping in section.GetSection("Roles").GetChildren())
        {
            var role = mapping.Value ?? "";
            if (!PlatformRoles.All.Contains(role))
                throw Invalid(key, $"Roles:{mapping.Key} names '{role}', which is not one of {string.Join(", ", PlatformRoles.All)}");
            // A hospital's directory administers its own staff, not the platform: platform_admin is only ever granted here.
            if (role == PlatformRoles.PlatformAdmin)
                throw Invalid(key, $"Roles:{mapping.Key} may not map to {PlatformRoles.PlatformAdmin}");
            roles[mapping.Key] = role;
        }

        X509Certificate2? authority;
        try { authority = Telehealth.ServiceDefaults.TrustedAuthority.LoadFor(section["TrustedCertificateFile"], issuer.AbsoluteUri, "", "Issuer"); }
        catch (InvalidOperationException e)
        {
            throw Invalid(key, e.Message);
        }

        var emailClaim = section["EmailClaim"] is { Length: > 0 } email ? email : null;
        var scopes = section.GetSection("Scopes").GetChildren().Select(s => s.Value).OfType<string>().ToList();
        if (scopes.Count == 0) scopes = emailClaim is null ? ["openid", "profile"] : ["openid", "profile", "email"];
        return new Hospital(
            key, issuer, Required("ClientId"), section["ClientSecret"], Required("DisplayName"), organization,
            LicenceClaim: section["LicenceClaim"] is { Length: > 0 } licence ? licence : "licence",
            emailClaim,
            GroupsClaim: section["GroupsClaim"] is { Length: > 0 } groups ? groups : "groups",
            roles, scopes, authority);
    }

    private static InvalidOperationException Invalid(string key, string problem) =>
        new($"{Section}:{key}: {problem}.");

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex KeyPattern();
}

/// <summary>Authorization request parameters of hospital sign-in.</summary>
public static class FederationParameters
{
    /// <summary><c>idp=bv-cho-ray</c> on /connect/authorize sends the person straight to that hospital's login.</summary>
    public const string IdentityProvider = "idp";
}

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Telehealth.Identity.Accounts;
using Telehealth.Identity.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Telehealth.Identity.Federation;

/// <summary>What a hospital sign-in changed of an account's roles.</summary>
public sealed record RoleChanges(IReadOnlyList<string> Granted, IReadOnlyList<string> Removed)
{
    public static readonly RoleChanges None = new([], []);
}

/// <summary>An account waiting for approval as the approval page lists it, with the hospital it came from.</summary>
public sealed record PendingAccount(string Id, string Name, string? Hospital, string? Licence, string? Email);

/// <summary>
/// The local account behind a hospital login. The link is an ASP.NET Core Identity external login (AspNetUserLogins):
/// login provider = the hospital's key, provider key = the person's subject at the hospital.
/// </summary>
/// <remarks>
/// A first sign-in finds the account by practising licence number (or e-mail, if the hospital is configured with an
/// <see cref="Hospital.EmailClaim"/>) among the accounts a facility administrator created, not by asking the record
/// service for <c>Practitioner?identifier=</c>: the identity service then depends on no other service to let people
/// in, and the account a facility administrator created already names the Practitioner and the facility. Only
/// accounts of the hospital's own Organization can be claimed, so one hospital's login server cannot take over
/// another facility's doctor by asserting their licence.
/// </remarks>
public sealed class HospitalAccounts(UserManager<PlatformUser> users, RoleManager<IdentityRole> roles, IdentityStore store,
    ILogger<HospitalAccounts> logger)
{
    /// <summary>platform_admin is never granted by an approval (see Hospital.Roles for the same rule on hospital groups).</summary>
    public static readonly IReadOnlyList<string> GrantableRoles = PlatformRoles.All.Where(r => r != PlatformRoles.PlatformAdmin).ToList();

    private const int PendingListLimit = 200;

    /// <summary>
    /// The account linked to this hospital login; on a first sign-in, the matching account now linked, or a new
    /// account waiting for approval that grants nothing.
    /// </summary>
    public async Task<PlatformUser> FindOrLinkAsync(Hospital hospital, ClaimsPrincipal upstream)
    {
        var subject = upstream.GetClaim(Claims.Subject)
            ?? throw new InvalidOperationException($"The login server of {hospital.Key} returned no subject.");
        if (await users.FindByLoginAsync(hospital.Key, subject) is { } linked) return linked;

        var login = new UserLoginInfo(hospital.Key, subject, hospital.DisplayName);
        var licence = Value(upstream, hospital.LicenceClaim);
        var email = hospital.EmailClaim is null ? null : Value(upstream, hospital.EmailClaim);

        if (await MatchAsync(hospital, licence, email) is var (account, matchedOn))
        {
            Check(await users.AddLoginAsync(account, login), hospital, subject);
            logger.LogInformation("Linked {Hospital} subject {Subject} to account {UserId} ({UserName}) by {MatchedOn}",
                hospital.Key, subject, account.Id, account.UserName, matchedOn);
            return account;
        }

        // Nobody to link to: an account that records who knocked, with no role, no FHIR resource and no password.
        var pending = new PlatformUser
        {
            UserName = $"{hospital.Key}.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)))[..16]}",
            DisplayName = Value(upstream, Claims.Name) ?? subject,
            Email = email,
            Licence = licence,
            Organization = hospital.Organization,
            Status = AccountStatus.PendingApproval,
        };
        Check(await users.CreateAsync(pending), hospital, subject);
        Check(await users.AddLoginAsync(pending, login), hospital, subject);
        logger.LogWarning("{Hospital} subject {Subject} (licence {Licence}) matched no account: created {UserId}, pending approval",
            hospital.Key, subject, licence ?? "none", pending.Id);
        return pending;
    }

    /// <summary>The account claim that records a role a hospital's groups granted: value "&lt;hospital key&gt; &lt;role&gt;".</summary>
    public const string GrantClaim = "telehealth:hospital_role";

    /// <summary>
    /// Brings the roles the person's upstream groups map to (per <see cref="Hospital.Roles"/>) up to date: a mapped
    /// role not held is granted, and recorded (<see cref="GrantClaim"/>) as this hospital's grant; a role this
    /// hospital granted earlier whose group is gone upstream is taken away again, unless another hospital's groups
    /// still grant it. A role the account held before any hospital granted it (a facility administrator's) is never
    /// taken away by a group missing upstream. Taking a role away also ends the account's other sessions (a new
    /// security stamp refuses their refresh tokens), so a person moved out of a group does not keep it elsewhere.
    /// </summary>
    public async Task<RoleChanges> SyncMappedRolesAsync(PlatformUser user, Hospital hospital, ClaimsPrincipal upstream)
    {
        var mapped = hospital.RolesFor(upstream.GetClaims(hospital.GroupsClaim));
        // Read once per sign-in: usually nothing changed and nothing else is asked of the database.
        // Case-insensitive, as Identity compares normalized role names.
        var held = await users.GetRolesAsync(user);
        var grants = (await users.GetClaimsAsync(user)).Where(c => c.Type == GrantClaim).ToList();
        var ours = grants.Where(c => GrantedBy(c, hospital.Key) is not null).ToList();
        var toGrant = mapped.Where(r => !held.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList();
        var lapsed = ours.Where(c => !mapped.Contains(GrantedBy(c, hospital.Key)!, StringComparer.OrdinalIgnoreCase)).ToList();
        if (toGrant.Count == 0 && lapsed.Count == 0) return RoleChanges.None;

        var removed = new List<string>();
        // All or nothing: a sign-in that fails half-way leaves the roles as they were.
        await using var transaction = await store.Database.BeginTransactionAsync();
        foreach (var role in toGrant)
        {
            await roles.EnsureRoleAsync(role);
            Check(await users.AddToRoleAsync(user, role), hospital, user.Id);
        }
        // A role granted again after an administrator took it away keeps its one record.
        var unrecorded = toGrant.Where(r => !ours.Any(c => string.Equals(GrantedBy(c, hospital.Key), r, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unrecorded.Count > 0)
            Check(await users.AddClaimsAsync(user, unrecorded.Select(r => new Claim(GrantClaim, $"{hospital.Key} {r}"))), hospital, user.Id);
        if (lapsed.Count > 0)
        {
            Check(await users.RemoveClaimsAsync(user, lapsed), hospital, user.Id);
            var stillGranted = grants.Except(lapsed).Select(c => c.Value[(c.Value.IndexOf(' ') + 1)..]).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var role in lapsed.Select(c => GrantedBy(c, hospital.Key)!).Where(r => !stillGranted.Contains(r)))
            {
                if (!held.Contains(role, StringComparer.OrdinalIgnoreCase)) continue;
                Check(await users.RemoveFromRoleAsync(user, role), hospital, user.Id);
                removed.Add(role);
            }
            if (removed.Count > 0) Check(await users.UpdateSecurityStampAsync(user), hospital, user.Id);
        }
        await transaction.CommitAsync();
        logger.LogInformation("{Hospital} groups granted {Granted} to and took {Removed} from account {UserId}",
            hospital.Key, toGrant, removed, user.Id);
        return new RoleChanges(toGrant, removed);
    }

    // The role of a grant claim if this hospital made it.
    private static string? GrantedBy(Claim grant, string hospitalKey) =>
        grant.Value.StartsWith(hospitalKey + " ", StringComparison.Ordinal) ? grant.Value[(hospitalKey.Length + 1)..] : null;

    /// <summary>The accounts waiting for approval within the administrator's scope, each with its hospital, in one query.</summary>
    public async Task<IReadOnlyList<PendingAccount>> ListPendingAsync(StaffScope scope)
    {
        var (everywhere, facility) = (scope.AllFacilities, scope.Facility);
        return await store.Users
            .Where(u => u.Status == AccountStatus.PendingApproval && (everywhere || u.Organization == facility))
            .OrderBy(u => u.DisplayName).Take(PendingListLimit)
            // A subquery rather than a join: an account with a second login is still listed once.
            .Select(u => new PendingAccount(u.Id, u.DisplayName ?? u.UserName!,
                store.UserLogins.Where(l => l.UserId == u.Id).OrderBy(l => l.LoginProvider)
                    .Select(l => l.ProviderDisplayName).FirstOrDefault(),
                u.Licence, u.Email))
            .ToListAsync();
    }

    /// <summary>The account, if it is waiting for approval and within the administrator's scope; read fresh.</summary>
    public async Task<PlatformUser?> FindPendingAsync(StaffScope scope, string? id) =>
        id is not null && await users.FindByIdAsync(id) is { Status: AccountStatus.PendingApproval } account
            && scope.Covers(account.Organization) ? account : null;

    /// <summary>Links a pending account to its Practitioner with one role, and lets it sign in.</summary>
    public async Task ApproveAsync(PlatformUser account, string practitioner, string role)
    {
        // The page checks both and says what is wrong; this only keeps any other caller from granting more.
        if (!FhirReferences.Practitioner().IsMatch(practitioner))
            throw new ArgumentException($"Not a Practitioner reference: {practitioner}", nameof(practitioner));
        if (!GrantableRoles.Contains(role)) throw new ArgumentException($"Not a role an approval grants: {role}", nameof(role));

        // Role, link and status together: a half-approved account (a role but still pending, or active without a role) never exists.
        await using var transaction = await store.Database.BeginTransactionAsync();
        await roles.EnsureRoleAsync(role);
        Check(await users.AddToRoleAsync(account, role));
        (account.FhirUser, account.Status) = (practitioner, AccountStatus.Active);
        Check(await users.UpdateAsync(account));
        await transaction.CommitAsync();
    }

    /// <summary>Kept, not deleted, so the next sign-in from that hospital is refused again.</summary>
    public async Task RejectAsync(PlatformUser account)
    {
        account.Status = AccountStatus.Rejected;
        Check(await users.UpdateAsync(account));
    }

    private async Task<(PlatformUser Account, string MatchedOn)?> MatchAsync(Hospital hospital, string? licence, string? email)
    {
        if (licence is not null && await OnlyUnlinkedAsync(hospital, users.Users.Where(u => u.Licence == licence)) is { } byLicence)
            return (byLicence, "licence");
        if (email is not null && users.NormalizeEmail(email) is { } normalized
            && await OnlyUnlinkedAsync(hospital, users.Users.Where(u => u.NormalizedEmail == normalized)) is { } byEmail)
            return (byEmail, "e-mail");
        return null;
    }

    // Exactly one active account of the hospital's Organization, not yet linked to another login of this hospital.
    // Two candidates are left for an administrator to sort out rather than guessed between.
    private async Task<PlatformUser?> OnlyUnlinkedAsync(Hospital hospital, IQueryable<PlatformUser> candidates)
    {
        var found = await candidates
            .Where(u => u.Status == AccountStatus.Active && u.Organization == hospital.Organization)
            .OrderBy(u => u.Id).Take(2).ToListAsync();
        if (found.Count != 1) return null;
        var logins = await users.GetLoginsAsync(found[0]);
        return logins.Any(l => l.LoginProvider == hospital.Key) ? null : found[0];
    }

    private static string? Value(ClaimsPrincipal principal, string claim) =>
        principal.GetClaim(claim)?.Trim() is { Length: > 0 } value ? value : null;

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    private static void Check(IdentityResult result, Hospital hospital, string who)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException(
                $"Hospital sign-in from {hospital.Key} for {who} failed: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }
}

using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Accounts;

/// <summary>A staff account as its facility's administrator sees it.</summary>
public sealed record StaffMember(string Id, string UserName, string? DisplayName, string Role, string? Licence,
    string? FhirUser, string? Organization, DateTimeOffset? LockoutEnd, bool TwoFactorEnabled)
{
    public bool Disabled => StaffAccounts.IsDisabled(LockoutEnd);
}

/// <summary>What an administrator fills in for a new account; <see cref="Password"/> null means "generate one".</summary>
public sealed record NewStaffAccount(string? UserName, string? DisplayName, string? Role, string? Licence,
    string? Practitioner, string? Organization, string? Password);

/// <summary>Why a new account was refused, each shown to the administrator in their language (<see cref="StaffText"/>).</summary>
public enum StaffProblem
{
    UserNameRequired, UserNameInvalid, UserNameTaken, DisplayNameRequired, RoleInvalid, LicenceRequired, LicenceInvalid,
    PractitionerInvalid, PractitionerTaken, OrganizationInvalid, PasswordPolicy,
}

/// <summary>A new account, with the password when it was generated (shown once, never stored in clear), or the problems.</summary>
public sealed record StaffCreation(StaffMember? Created, string? GeneratedPassword, IReadOnlyList<StaffProblem> Problems);

public enum StaffChange { Done, NotFound, Forbidden, OwnAccount }

/// <summary>Lists, creates, disables and re-enables staff accounts and resets their two-step verification, always within an administrator's <see cref="StaffScope"/>.</summary>
public sealed class StaffAccounts(UserManager<PlatformUser> users, RoleManager<IdentityRole> roles, IdentityStore store,
    IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations)
{
    /// <summary>Disabled is locked out for good; Identity's own lockouts last minutes.</summary>
    public static readonly DateTimeOffset DisabledUntil = DateTimeOffset.MaxValue;

    private const int ListLimit = 500;

    // Clinicians must give their practising licence; a coordinator or an administrator may have none.
    private static readonly string[] LicensedRoles = [PlatformRoles.CommuneDoctor, PlatformRoles.Specialist];

    // PostgreSQL may hand DateTimeOffset.MaxValue back as its 'infinity' or rounded to microseconds: compare the year.
    public static bool IsDisabled(DateTimeOffset? lockoutEnd) => lockoutEnd?.Year == DisabledUntil.Year;

    public static bool IsDisabled(PlatformUser user) => IsDisabled(user.LockoutEnd);

    public async Task<IReadOnlyList<StaffMember>> ListAsync(StaffScope scope, string? organization)
    {
        var facility = scope.AllFacilities ? organization : scope.Facility;
        var staffRoles = StaffAdministration.StaffRoles.ToArray();
        var rows = await (
            from user in store.Users
            join link in store.UserRoles on user.Id equals link.UserId
            join role in store.Roles on link.RoleId equals role.Id
            where staffRoles.Contains(role.Name!) && (facility == null || user.Organization == facility)
            orderby user.Organization, user.UserName
            select new StaffMember(user.Id, user.UserName!, user.DisplayName, role.Name!, user.Licence, user.FhirUser,
                user.Organization, user.LockoutEnd, user.TwoFactorEnabled))
            .Take(ListLimit).ToListAsync();
        // One role per account for now; should one hold two, it is listed once with both.
        return rows.GroupBy(row => row.Id)
            .Select(group => group.First() with { Role = string.Join(", ", group.Select(row => row.Role)) })
            .ToList();
    }

    public async Task<StaffCreation> CreateAsync(StaffScope scope, NewStaffAccount request)
    {
        var organization = scope.AllFacilities ? request.Organization?.Trim() : scope.Facility;
        var practitioner = request.Practitioner?.Trim();
        var licence = string.IsNullOrWhiteSpace(request.Licence) ? null : request.Licence.Trim();
        var problems = new List<StaffProblem>();
        if (string.IsNullOrWhiteSpace(request.UserName)) problems.Add(StaffProblem.UserNameRequired);
        else if (request.UserName.Trim().Length > 64) problems.Add(StaffProblem.UserNameInvalid);
        if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Trim().Length > 200) problems.Add(StaffProblem.DisplayNameRequired);
        if (request.Role is null || !StaffAdministration.StaffRoles.Contains(request.Role)) problems.Add(StaffProblem.RoleInvalid);
        if (licence is null && request.Role is { } role && LicensedRoles.Contains(role)) problems.Add(StaffProblem.LicenceRequired);
        if (licence is { Length: > 64 } || (licence is not null && licence.Any(char.IsControl))) problems.Add(StaffProblem.LicenceInvalid);
        if (practitioner is null || !FhirReferences.Practitioner().IsMatch(practitioner)) problems.Add(StaffProblem.PractitionerInvalid);
        else if (await store.Users.AnyAsync(u => u.FhirUser == practitioner)) problems.Add(StaffProblem.PractitionerTaken);
        if (organization is null || !FhirReferences.Organization().IsMatch(organization)) problems.Add(StaffProblem.OrganizationInvalid);
        if (problems.Count > 0) return new(null, null, problems);

        var generated = string.IsNullOrEmpty(request.Password) ? NewPassword() : null;
        var user = new PlatformUser
        {
            UserName = request.UserName!.Trim(),
            DisplayName = request.DisplayName!.Trim(),
            FhirUser = practitioner,
            Organization = organization,
            Licence = licence,
        };

        // Account and role together or not at all.
        await using var transaction = await store.Database.BeginTransactionAsync();
        var created = await users.CreateAsync(user, generated ?? request.Password!);
        if (!created.Succeeded) return new(null, null, [.. created.Errors.Select(Problem).Distinct()]);
        // A deployment without demo data has no roles until the first account of each is made.
        await roles.EnsureRoleAsync(request.Role!);
        Check(await users.AddToRoleAsync(user, request.Role!));
        await transaction.CommitAsync();

        return new(new StaffMember(user.Id, user.UserName, user.DisplayName, request.Role!, licence, practitioner, organization,
            null, false), generated, []);
    }

    /// <summary>
    /// Disables (locked out for good, new security stamp, every token and authorization revoked) or re-enables an
    /// account; only a staff account within the scope, and never the administrator's own.
    /// </summary>
    public async Task<StaffChange> SetDisabledAsync(StaffScope scope, string actorId, string accountId, bool disabled)
    {
        var (account, refusal) = await ManagedAsync(scope, actorId, accountId);
        if (account is null) return refusal;

        if (!disabled)
        {
            Check(await users.SetLockoutEndDateAsync(account, null));
            Check(await users.ResetAccessFailedCountAsync(account));
            return StaffChange.Done;
        }

        await using (var transaction = await store.Database.BeginTransactionAsync())
        {
            Check(await users.SetLockoutEnabledAsync(account, true));
            Check(await users.SetLockoutEndDateAsync(account, DisabledUntil));
            // The sign-in cookie and the refresh tokens compare it: sessions begun before now end.
            Check(await users.UpdateSecurityStampAsync(account));
            await transaction.CommitAsync();
        }
        // Introspection answers "inactive" at once for what was already issued.
        await tokens.RevokeBySubjectAsync(account.Id);
        await authorizations.RevokeBySubjectAsync(account.Id);
        return StaffChange.Done;
    }

    /// <summary>
    /// Turns off an account's two-step verification, for a person whose phone was lost or replaced: the authenticator
    /// key is replaced (codes from the old app are worthless), the recovery codes are void, and every session and token
    /// ends. At the next sign-in the person sets up the new key, where the rules require it before anything else.
    /// Only a staff account within the scope, and never the administrator's own.
    /// </summary>
    public async Task<StaffChange> ResetTwoFactorAsync(StaffScope scope, string actorId, string accountId)
    {
        var (account, refusal) = await ManagedAsync(scope, actorId, accountId);
        if (account is null) return refusal;

        await using (var transaction = await store.Database.BeginTransactionAsync())
        {
            Check(await users.SetTwoFactorEnabledAsync(account, false));
            // A new key and a new security stamp: the cookie and refresh tokens begun before now are refused.
            Check(await users.ResetAuthenticatorKeyAsync(account));
            await users.GenerateNewTwoFactorRecoveryCodesAsync(account, 0);
            await transaction.CommitAsync();
        }
        await tokens.RevokeBySubjectAsync(account.Id);
        await authorizations.RevokeBySubjectAsync(account.Id);
        return StaffChange.Done;
    }

    // The account an administrator may change: a staff account within their scope, not their own.
    private async Task<(PlatformUser? Account, StaffChange Refusal)> ManagedAsync(StaffScope scope, string actorId, string accountId)
    {
        if (await users.FindByIdAsync(accountId) is not { } account) return (null, StaffChange.NotFound);
        if (!(await users.GetRolesAsync(account)).Any(StaffAdministration.StaffRoles.Contains) || !scope.Covers(account.Organization))
            return (null, StaffChange.Forbidden);
        return account.Id == actorId ? (null, StaffChange.OwnAccount) : (account, StaffChange.Done);
    }

    /// <summary>A password the policy accepts: 16 characters from every class, none easily misread (0/O, 1/l/I).</summary>
    public static string NewPassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnpqrstuvwxyz", digits = "23456789", symbols = "@#%+=?!";
        var password = new[] { upper, lower, digits, symbols }
            .Select(set => RandomNumberGenerator.GetItems<char>(set, 1)[0])
            .Concat(RandomNumberGenerator.GetItems<char>(upper + lower + digits + symbols, 12))
            .ToArray();
        RandomNumberGenerator.Shuffle(password.AsSpan());
        return new string(password);
    }

    private static StaffProblem Problem(IdentityError error) => error.Code switch
    {
        nameof(IdentityErrorDescriber.DuplicateUserName) => StaffProblem.UserNameTaken,
        nameof(IdentityErrorDescriber.InvalidUserName) => StaffProblem.UserNameInvalid,
        _ when error.Code.StartsWith("Password", StringComparison.Ordinal) => StaffProblem.PasswordPolicy,
        _ => throw new InvalidOperationException($"Creating a staff account failed: {error.Code} {error.Description}"),
    };

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("Staff account change failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}

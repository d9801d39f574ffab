using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Telehealth.Identity.Storage;

/// <summary>A person who signs in here: a local account, with the FHIR resources it stands for.</summary>
public sealed class PlatformUser : IdentityUser
{
    /// <summary>The FHIR resource this person is, e.g. <c>Practitioner/123</c> or <c>Patient/456</c>.</summary>
    [PersonalData]
    public string? FhirUser { get; set; }

    /// <summary>The facility this person works for, e.g. <c>Organization/tyt-phu-tuc</c>.</summary>
    [PersonalData]
    public string? Organization { get; set; }

    [PersonalData]
    public string? DisplayName { get; set; }

    /// <summary>
    /// The practising licence number (chứng chỉ hành nghề, e.g. <c>005633/BYT-CCHN</c>) a facility administrator
    /// recorded, or that a hospital's login server asserted: how a first hospital sign-in finds this account.
    /// </summary>
    [PersonalData]
    public string? Licence { get; set; }

    /// <summary>Whether the account may sign in at all; see <see cref="AccountStatus"/>.</summary>
    public AccountStatus Status { get; set; } = AccountStatus.Active;
}

/// <summary>Stored as its number: existing accounts became <see cref="Active"/> (0) with the migration that added it.</summary>
public enum AccountStatus
{
    Active = 0,

    /// <summary>Created by a first hospital sign-in that matched no account: waits for a facility administrator.</summary>
    PendingApproval = 1,

    /// <summary>A facility administrator refused it; kept so the next sign-in from that hospital is refused again.</summary>
    Rejected = 2,
}

/// <summary>
/// Accounts (ASP.NET Core Identity) and OpenIddict's applications, authorizations, scopes and tokens, in one database.
/// Each provider has its own subclass so that its migrations live apart (SQL differs between SQLite and PostgreSQL).
/// </summary>
public abstract class IdentityStore(DbContextOptions options) : IdentityDbContext<PlatformUser>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
        builder.Entity<PlatformUser>(user =>
        {
            user.Property(u => u.FhirUser).HasMaxLength(200);
            user.Property(u => u.Organization).HasMaxLength(200);
            user.Property(u => u.DisplayName).HasMaxLength(200);
            user.Property(u => u.Licence).HasMaxLength(64);
            // A first hospital sign-in looks the account up by licence.
            user.HasIndex(u => u.Licence);
        });
    }
}

public sealed class SqliteIdentityStore(DbContextOptions<SqliteIdentityStore> options) : IdentityStore(options);

public sealed class PostgresIdentityStore(DbContextOptions<PostgresIdentityStore> options) : IdentityStore(options);

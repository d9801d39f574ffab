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

    /// <summary>A clinician's practising licence number (chứng chỉ hành nghề), an opaque string as the authority wrote it.</summary>
    [PersonalData]
    public string? Licence { get; set; }
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
        });
    }
}

public sealed class SqliteIdentityStore(DbContextOptions<SqliteIdentityStore> options) : IdentityStore(options);

public sealed class PostgresIdentityStore(DbContextOptions<PostgresIdentityStore> options) : IdentityStore(options);

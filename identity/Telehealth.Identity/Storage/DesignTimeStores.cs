using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Telehealth.Identity.Storage;

// Used only by `dotnet ef migrations add ... --context SqliteIdentityStore|PostgresIdentityStore`:
// the connection strings are never opened while generating a migration.

internal sealed class SqliteDesignTimeStore : IDesignTimeDbContextFactory<SqliteIdentityStore>
{
    public SqliteIdentityStore CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteIdentityStore>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresDesignTimeStore : IDesignTimeDbContextFactory<PostgresIdentityStore>
{
    public PostgresIdentityStore CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresIdentityStore>().UseNpgsql("Host=localhost;Database=design_time").Options);
}

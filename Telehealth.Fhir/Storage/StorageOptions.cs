namespace Telehealth.Fhir.Storage;

public enum StorageProvider { Sqlite, Postgres }

/// <summary>Bound from the <c>Fhir:Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>A Microsoft.Data.Sqlite or Npgsql connection string.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/fhir.db";
}

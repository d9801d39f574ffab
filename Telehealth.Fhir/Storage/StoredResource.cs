namespace Telehealth.Fhir.Storage;

/// <summary>One version of a resource as stored: its JSON already carries meta.versionId and meta.lastUpdated.</summary>
public sealed record StoredResource(long Key, string Type, string Id, int Version, DateTimeOffset LastUpdated, bool Deleted, string? Json)
{
    public string ETag => $"W/\"{Version}\"";
}

/// <summary>One entry of a history: the version and how it came to be.</summary>
public sealed record HistoryEntry(long Sequence, StoredResource Resource, string Method);

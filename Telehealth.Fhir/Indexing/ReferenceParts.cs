using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Indexing;

/// <summary>Splits a reference string into resource type and id when it names a resource this server holds.</summary>
public static class ReferenceParts
{
    /// <summary>
    /// Accepts "Patient/1", "Patient/1/_history/2", and absolute URLs ending in either whose base is one of
    /// <paramref name="bases"/>; an absolute URL to another server is not local.
    /// </summary>
    public static bool TryParseLocal(string reference, LocalBases bases, out string type, out string id)
    {
        type = id = "";
        if (reference.StartsWith('#') || reference.StartsWith("urn:", StringComparison.Ordinal)) return false;
        var parts = reference.Split('/');
        var n = parts.Length;
        if (n >= 4 && parts[n - 2] == "_history")
            n -= 2;
        if (n < 2) return false;
        var candidateType = parts[n - 2];
        var candidateId = parts[n - 1];
        if (!ModelInfo.IsKnownResource(candidateType) || candidateId.Length == 0) return false;
        if (n > 2)
        {
            if (!IsAbsolute(reference)) return false;
            if (!bases.Contains(string.Join('/', parts[..(n - 2)]))) return false;
        }
        type = candidateType;
        id = candidateId;
        return true;
    }

    public static bool IsAbsolute(string reference) =>
        reference.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || reference.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}

using System.Buffers.Text;
using System.Text.Json;
using Telehealth.Fhir.Model;

namespace Telehealth.Fhir.Search;

/// <summary>
/// Where a page starts: the sort values and key of the row next to it, the highest resource key that existed when
/// the first page was read, and the highest version sequence then. Keyset paging with that snapshot visits every
/// match once even while others write: new resources stay out, and _lastUpdated sorts by the time as of the snapshot,
/// so an update during the walk does not move a resource across the page boundary.
/// </summary>
public sealed record PageCursor(IReadOnlyList<JsonElement> SortValues, long Key, long Snapshot, bool Backward, long Versions)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Wire([.. SortValues], Key, Snapshot, Backward, Versions)));

    public static PageCursor Decode(string text)
    {
        try
        {
            var wire = JsonSerializer.Deserialize<Wire>(Base64Url.DecodeFromChars(text))
                       ?? throw FhirException.BadRequest("The page link is not valid; start the search again.");
            return new PageCursor(wire.V, wire.K, wire.S, wire.B, wire.W);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw FhirException.BadRequest("The page link is not valid; start the search again.");
        }
    }

    private sealed record Wire(JsonElement[] V, long K, long S, bool B, long W);
}

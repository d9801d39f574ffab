using System.Text.RegularExpressions;

namespace Telehealth.Identity.Accounts;

/// <summary>
/// The FHIR references an administrator or a hospital's configuration gives: one pattern each, so staff accounts,
/// approvals and hospital settings accept exactly the same ones.
/// </summary>
internal static partial class FhirReferences
{
    // FHIR ids: letters, digits, '-' and '.', up to 64 (R4 §2.6.2 id).
    [GeneratedRegex(@"^Practitioner/[A-Za-z0-9\-\.]{1,64}$")]
    public static partial Regex Practitioner();

    [GeneratedRegex(@"^Organization/[A-Za-z0-9\-\.]{1,64}$")]
    public static partial Regex Organization();
}

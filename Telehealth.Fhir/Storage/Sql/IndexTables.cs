using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Storage.Sql;

internal static class IndexTables
{
    public static string For(SearchParamType type) => type switch
    {
        SearchParamType.String => "ix_string",
        SearchParamType.Token => "ix_token",
        SearchParamType.Date => "ix_date",
        SearchParamType.Reference => "ix_reference",
        SearchParamType.Quantity => "ix_quantity",
        SearchParamType.Number => "ix_number",
        SearchParamType.Uri => "ix_uri",
        SearchParamType.Composite => "ix_composite",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No index table for this parameter type."),
    };
}

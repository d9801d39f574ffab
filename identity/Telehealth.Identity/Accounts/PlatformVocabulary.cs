namespace Telehealth.Identity.Accounts;

/// <summary>What a person does on the platform; one role per account for now.</summary>
public static class PlatformRoles
{
    public const string CommuneDoctor = "commune_doctor";
    public const string Specialist = "specialist";
    public const string Coordinator = "coordinator";
    public const string Patient = "patient";
    public const string FacilityAdmin = "facility_admin";
    public const string PlatformAdmin = "platform_admin";

    public static readonly IReadOnlyList<string> All = [CommuneDoctor, Specialist, Coordinator, Patient, FacilityAdmin, PlatformAdmin];
}

/// <summary>Claims the platform adds to the OpenID Connect ones.</summary>
public static class PlatformClaims
{
    /// <summary>SMART on FHIR: the FHIR resource the person is, e.g. <c>Practitioner/123</c>.</summary>
    public const string FhirUser = "fhirUser";

    /// <summary>The facility the person acts for, e.g. <c>Organization/tyt-phu-tuc</c>.</summary>
    public const string Organization = "organization";
}

/// <summary>Scopes and the resource servers (token audiences) they open.</summary>
public static class PlatformScopes
{
    /// <summary>SMART on FHIR: ask for the <c>fhirUser</c> claim in the identity token.</summary>
    public const string FhirUser = "fhirUser";

    /// <summary>The scheduling core's own scope.</summary>
    public const string Api = "api";

    /// <summary>Audience of tokens for the FHIR record service.</summary>
    public const string FhirAudience = "telehealth-fhir";

    /// <summary>Audience of tokens for the scheduling core.</summary>
    public const string ApiAudience = "telehealth-api";

    /// <summary>SMART v2 scopes the record service understands, each opening the <see cref="FhirAudience"/>.</summary>
    public static readonly IReadOnlyList<string> Smart =
    [
        "patient/*.rs", "patient/*.cruds", "user/*.rs", "user/*.cruds", "system/*.rs", "system/*.cruds",
        "user/Patient.rs", "user/Practitioner.rs", "user/Organization.rs", "patient/Patient.rs",
    ];
}

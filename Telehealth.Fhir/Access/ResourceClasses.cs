namespace Telehealth.Fhir.Access;

/// <summary>Which kind of data a resource type holds, for deciding who may touch it.</summary>
public enum ResourceClass
{
    /// <summary>A patient's record: only those who may see that patient.</summary>
    Clinical,

    /// <summary>Facilities, services and staff: readable by everyone signed in, kept by administrators.</summary>
    Directory,

    /// <summary>Who read or changed what: written by the server, read by platform administrators.</summary>
    Audit,

    /// <summary>Definitions and shared content (code systems, questionnaires, medications): readable by everyone signed in.</summary>
    Shared,
}

public static class ResourceClasses
{
    /// <summary>The R4 Patient CompartmentDefinition's resource types, and Task (the consult workflow, about a patient).</summary>
    public static readonly IReadOnlySet<string> Clinical = new HashSet<string>(StringComparer.Ordinal)
    {
        "Account", "AdverseEvent", "AllergyIntolerance", "Appointment", "AppointmentResponse", "Basic", "BodyStructure",
        "CarePlan", "CareTeam", "ChargeItem", "Claim", "ClaimResponse", "ClinicalImpression", "Communication",
        "CommunicationRequest", "Composition", "Condition", "Consent", "Coverage", "CoverageEligibilityRequest",
        "CoverageEligibilityResponse", "DetectedIssue", "DeviceRequest", "DeviceUseStatement", "DiagnosticReport",
        "DocumentManifest", "DocumentReference", "Encounter", "EnrollmentRequest", "EpisodeOfCare", "ExplanationOfBenefit",
        "FamilyMemberHistory", "Flag", "Goal", "Group", "ImagingStudy", "Immunization", "ImmunizationEvaluation",
        "ImmunizationRecommendation", "Invoice", "List", "MeasureReport", "Media", "MedicationAdministration",
        "MedicationDispense", "MedicationRequest", "MedicationStatement", "MolecularSequence", "NutritionOrder",
        "Observation", "Patient", "Person", "Procedure", "Provenance", "QuestionnaireResponse", "RelatedPerson",
        "RequestGroup", "ResearchSubject", "RiskAssessment", "Schedule", "ServiceRequest", "Specimen", "SupplyDelivery",
        "SupplyRequest", "VisionPrescription", "Task",
    };

    public static readonly IReadOnlySet<string> Directory = new HashSet<string>(StringComparer.Ordinal)
    {
        "Organization", "OrganizationAffiliation", "Location", "HealthcareService", "Practitioner", "PractitionerRole", "Endpoint",
    };

    public static ResourceClass Of(string type) =>
        type == "AuditEvent" ? ResourceClass.Audit
        : Clinical.Contains(type) ? ResourceClass.Clinical
        : Directory.Contains(type) ? ResourceClass.Directory
        : ResourceClass.Shared;
}

using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Demo;

/// <summary>Identifier systems and code systems the demo network uses.</summary>
internal static class DemoCodes
{
    public const string FacilityTypeSystem = "https://telehealth.vn/fhir/CodeSystem/facility-type";
    public const string PlatformRoleSystem = "https://telehealth.vn/fhir/CodeSystem/platform-role";
    public const string ServiceTypeSystem = "https://telehealth.vn/fhir/CodeSystem/service-type";
    public const string FacilityCodeSystem = "https://telehealth.vn/fhir/sid/facility-code";
    public const string PractisingLicenceSystem = "https://telehealth.vn/fhir/sid/practising-licence";
    public const string CitizenIdSystem = "https://telehealth.vn/fhir/sid/cccd";
    public const string HealthInsuranceSystem = "https://telehealth.vn/fhir/sid/bhyt";

    public const string Snomed = "http://snomed.info/sct";
    public const string OrganizationTypeSystem = "http://terminology.hl7.org/CodeSystem/organization-type";
    public const string PractitionerRoleSystem = "http://terminology.hl7.org/CodeSystem/practitioner-role";
    public const string LocationPhysicalTypeSystem = "http://terminology.hl7.org/CodeSystem/location-physical-type";
    public const string IdentifierTypeSystem = "http://terminology.hl7.org/CodeSystem/v2-0203";

    public static CodeableConcept FacilityType(FacilityLevel level)
    {
        var (code, display) = level switch
        {
            FacilityLevel.HealthDepartment => ("health-department", "Sở Y tế"),
            FacilityLevel.CentralHospital => ("central-hospital", "Bệnh viện tuyến trung ương"),
            FacilityLevel.ProvincialHospital => ("provincial-hospital", "Bệnh viện tuyến tỉnh"),
            FacilityLevel.DistrictHospital => ("district-hospital", "Trung tâm Y tế tuyến huyện"),
            FacilityLevel.CommuneStation => ("commune-station", "Trạm Y tế xã"),
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
        };
        // The HL7 coding lets generic FHIR tools tell a care provider from an administration.
        var (hl7Code, hl7Display) = level == FacilityLevel.HealthDepartment ? ("govt", "Government") : ("prov", "Healthcare Provider");
        return new CodeableConcept
        {
            Coding = [new Coding(FacilityTypeSystem, code, display), new Coding(OrganizationTypeSystem, hl7Code, hl7Display)],
            Text = display,
        };
    }

    public static CodeableConcept Specialty(DemoSpecialty specialty) => new()
    {
        Coding = [new Coding(Snomed, specialty.SnomedCode, specialty.SnomedDisplay)],
        Text = specialty.VietnameseName,
    };

    public static CodeableConcept RemoteConsultService() => new()
    {
        Coding = [new Coding(ServiceTypeSystem, "remote-consult", "Hội chẩn từ xa")],
        Text = "Hội chẩn từ xa",
    };

    /// <summary>The job (HL7 practitioner-role) and the platform role the identity service grants.</summary>
    public static CodeableConcept[] RoleCodes(StaffRole role)
    {
        var (job, jobDisplay) = role switch
        {
            StaffRole.Coordinator => ("nurse", "Nurse"),
            StaffRole.FacilityAdmin => ("ict", "ICT professional"),
            _ => ("doctor", "Doctor"),
        };
        var (platform, platformDisplay) = role switch
        {
            StaffRole.CommuneDoctor => ("commune_doctor", "Bác sĩ trạm y tế xã"),
            StaffRole.Specialist => ("specialist", "Bác sĩ chuyên khoa"),
            StaffRole.Coordinator => ("coordinator", "Điều phối viên"),
            StaffRole.FacilityAdmin => ("facility_admin", "Quản trị cơ sở"),
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
        };
        return
        [
            new CodeableConcept(PractitionerRoleSystem, job, jobDisplay, null),
            new CodeableConcept(PlatformRoleSystem, platform, platformDisplay, platformDisplay),
        ];
    }

    public static Identifier CitizenId(string value) => Typed(CitizenIdSystem, value, "NI", "National unique individual identifier", "Căn cước công dân");

    public static Identifier HealthInsuranceCard(string value) => Typed(HealthInsuranceSystem, value, "SB", "Social Beneficiary Identifier", "Thẻ bảo hiểm y tế");

    public static Identifier PractisingLicence(string value) => Typed(PractisingLicenceSystem, value, "MD", "Medical License number", "Chứng chỉ hành nghề");

    private static Identifier Typed(string system, string value, string v2Code, string v2Display, string text) => new(system, value)
    {
        Use = Identifier.IdentifierUse.Official,
        Type = new CodeableConcept(IdentifierTypeSystem, v2Code, v2Display, text),
    };

    public static ContactPoint Phone(string value, ContactPoint.ContactPointUse use) =>
        new(ContactPoint.ContactPointSystem.Phone, use, value);

    public static ContactPoint Email(string value) =>
        new(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Work, value);
}

using System.Globalization;
using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Demo;

/// <summary>
/// A believable telehealth network in Bến Tre as one FHIR transaction Bundle: the provincial health
/// department, its referral chain (commune stations → district health centres → provincial hospital),
/// two central hospitals, the specialties they offer for remote consults, their clinicians and the
/// stations' patients. Every build is identical: entry fullUrls are name-based UUIDs and patients come
/// from a seeded generator.
/// </summary>
public static class DemoNetwork
{
    /// <summary>System of the identifier that marks the demo network as loaded (on "Sở Y tế Bến Tre").</summary>
    public const string MarkerSystem = "urn:telehealth:demo";

    /// <summary>Value of the marker identifier; also a meta.tag code on every demo resource.</summary>
    public const string MarkerValue = "network-v1";

    /// <summary>Builds the transaction Bundle: every entry a PUT of a fixed id, references between them relative.</summary>
    public static Bundle Build()
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var facility in DemoFacilities.All)
            Add(bundle, facility.Key, Organization(facility));
        foreach (var facility in DemoFacilities.All.Where(f => f.Level != FacilityLevel.HealthDepartment))
            Add(bundle, facility.Key, Location(facility));
        foreach (var (facilityKey, specialty) in DemoFacilities.ConsultServices)
            Add(bundle, ServiceKey(facilityKey, specialty), HealthcareService(DemoFacilities.Get(facilityKey), specialty));
        foreach (var clinician in DemoStaff.All)
            Add(bundle, clinician.Key, Practitioner(clinician));
        foreach (var clinician in DemoStaff.All)
            Add(bundle, clinician.Key, PractitionerRole(clinician));
        foreach (var patient in DemoPatients.Generate())
            Add(bundle, patient.CitizenId, Patient(patient));
        Add(bundle, "hoi-chan-nguyen-van-an", Consult());
        return bundle;
    }

    /// <summary>
    /// The reference to the demo resource for <paramref name="key"/>, e.g. ("Organization", "tyt-phu-tuc") →
    /// <c>Organization/tyt-phu-tuc</c>. Demo ids are fixed, so the identity service's demo accounts can name the
    /// Practitioner or Patient each one is, and loading twice changes nothing.
    /// </summary>
    internal static string FullUrl(string resourceType, string key) => $"{resourceType}/{IdOf(resourceType, key)}";

    /// <summary>The demo id for a key: patients by citizen ID (<c>bn-083058004217</c>), the rest by their key.</summary>
    internal static string IdOf(string resourceType, string key) =>
        resourceType == "Patient" ? "bn-" + key : key.Replace('/', '-');

    private static Organization Organization(DemoFacility facility)
    {
        var organization = new Organization
        {
            Meta = DemoTag(),
            Identifier = [new Identifier(DemoCodes.FacilityCodeSystem, facility.Code)],
            Active = true,
            Type = [DemoCodes.FacilityType(facility.Level)],
            Name = facility.Name,
            Alias = [facility.ShortName],
            Telecom = [DemoCodes.Phone(facility.Phone, ContactPoint.ContactPointUse.Work), DemoCodes.Email(facility.Email)],
            Address = [AddressOf(facility, facility.Line, Address.AddressUse.Work)],
            PartOf = facility.ParentKey is { } parent ? OrganizationRef(DemoFacilities.Get(parent)) : null,
        };
        if (facility.Level == FacilityLevel.HealthDepartment)
            organization.Identifier.Add(new Identifier(MarkerSystem, MarkerValue));
        return organization;
    }

    private static Location Location(DemoFacility facility) => new()
    {
        Meta = DemoTag(),
        Identifier = [new Identifier(DemoCodes.FacilityCodeSystem, facility.Code)],
        Status = Hl7.Fhir.Model.Location.LocationStatus.Active,
        Name = facility.Name,
        Alias = [facility.ShortName],
        Mode = Hl7.Fhir.Model.Location.LocationMode.Instance,
        PhysicalType = new CodeableConcept(DemoCodes.LocationPhysicalTypeSystem, "bu", "Building", "Cơ sở"),
        Telecom = [DemoCodes.Phone(facility.Phone, ContactPoint.ContactPointUse.Work)],
        Address = AddressOf(facility, facility.Line, Address.AddressUse.Work),
        ManagingOrganization = OrganizationRef(facility),
    };

    private static HealthcareService HealthcareService(DemoFacility facility, DemoSpecialty specialty) => new()
    {
        Meta = DemoTag(),
        Active = true,
        ProvidedBy = OrganizationRef(facility),
        Type = [DemoCodes.RemoteConsultService()],
        Specialty = [DemoCodes.Specialty(specialty)],
        Location = [new ResourceReference(FullUrl("Location", facility.Key), facility.Name)],
        Name = ServiceName(facility, specialty),
        Comment = $"{facility.Name} nhận yêu cầu hội chẩn từ xa chuyên khoa {Lower(specialty.VietnameseName)} từ tuyến dưới.",
        Telecom = [DemoCodes.Phone(facility.Phone, ContactPoint.ContactPointUse.Work)],
        AvailableTime =
        [
            new HealthcareService.AvailableTimeComponent
            {
                DaysOfWeek = [DaysOfWeek.Mon, DaysOfWeek.Tue, DaysOfWeek.Wed, DaysOfWeek.Thu, DaysOfWeek.Fri],
                AvailableStartTime = "07:00:00",
                AvailableEndTime = "17:00:00",
            },
        ],
    };

    private static Practitioner Practitioner(DemoClinician clinician) => new()
    {
        Meta = DemoTag(),
        Identifier = [DemoCodes.PractisingLicence(clinician.Licence)],
        Active = true,
        Name = [NameOf(clinician.Family, clinician.Given, clinician.Prefix)],
        Telecom = [DemoCodes.Phone(clinician.Phone, ContactPoint.ContactPointUse.Mobile)],
        Gender = clinician.Gender,
    };

    private static PractitionerRole PractitionerRole(DemoClinician clinician)
    {
        var facility = DemoFacilities.Get(clinician.FacilityKey);
        var offersSpecialty = DemoFacilities.ConsultServices.Any(s => s.FacilityKey == facility.Key && s.Specialty == clinician.Specialty);
        return new PractitionerRole
        {
            Meta = DemoTag(),
            Active = true,
            Practitioner = new ResourceReference(FullUrl("Practitioner", clinician.Key), clinician.FullName),
            Organization = OrganizationRef(facility),
            Code = [.. DemoCodes.RoleCodes(clinician.Role)],
            Specialty = clinician.Specialty is { } specialty ? [DemoCodes.Specialty(specialty)] : [],
            Location = [new ResourceReference(FullUrl("Location", facility.Key), facility.Name)],
            HealthcareService = offersSpecialty && clinician.Specialty is { } offered
                ? [new ResourceReference(FullUrl("HealthcareService", ServiceKey(facility.Key, offered)), ServiceName(facility, offered))]
                : [],
            Telecom = [DemoCodes.Phone(clinician.Phone, ContactPoint.ContactPointUse.Work)],
        };
    }

    /// <summary>
    /// One open consult: Phú Túc's commune doctor asks Chợ Rẫy's cardiology for an opinion on Nguyễn Văn An, so the
    /// demo specialist and coordinator have a patient to open.
    /// </summary>
    private static ServiceRequest Consult()
    {
        var an = DemoPatients.NguyenVanAn;
        return new ServiceRequest
        {
            Meta = DemoTag(),
            Identifier = [new Identifier("https://telehealth.vn/fhir/sid/consult", "HC-2026-0001")],
            Status = RequestStatus.Active,
            Intent = RequestIntent.Order,
            Priority = RequestPriority.Urgent,
            Category = [new CodeableConcept("http://snomed.info/sct", "11429006", "Consultation", "Hội chẩn")],
            Code = new CodeableConcept("http://snomed.info/sct", "11429006", "Consultation", "Hội chẩn từ xa tim mạch"),
            Subject = new ResourceReference(FullUrl("Patient", an.CitizenId), an.FullName),
            AuthoredOn = "2026-11-20T08:30:00+07:00",
            Requester = new ResourceReference(FullUrl("PractitionerRole", "bs-tran-van-phuoc"), "BS. Trần Văn Phước"),
            Performer = [new ResourceReference(FullUrl("Organization", DemoFacilities.ChoRay), "Bệnh viện Chợ Rẫy")],
            ReasonCode = [new CodeableConcept { Text = "Đau ngực khi gắng sức, điện tim nghi thiếu máu cơ tim" }],
        };
    }

    private static Patient Patient(DemoPatient patient)
    {
        var station = DemoFacilities.Get(patient.StationKey);
        return new Patient
        {
            Meta = DemoTag(),
            Identifier = [DemoCodes.CitizenId(patient.CitizenId), DemoCodes.HealthInsuranceCard(patient.InsuranceCard)],
            Active = true,
            Name = [NameOf(patient.Family, patient.Given, prefix: null)],
            Telecom = [DemoCodes.Phone(patient.Phone, ContactPoint.ContactPointUse.Mobile)],
            Gender = patient.Gender,
            BirthDate = patient.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Address = [AddressOf(station, patient.Hamlet, Address.AddressUse.Home)],
            ManagingOrganization = OrganizationRef(station),
            Communication =
            [
                new Patient.CommunicationComponent
                {
                    Language = new CodeableConcept("urn:ietf:bcp:47", "vi", "Vietnamese", "Tiếng Việt"),
                    Preferred = true,
                },
            ],
        };
    }

    private static void Add(Bundle bundle, string key, Resource resource)
    {
        resource.Id = IdOf(resource.TypeName, key);
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = FullUrl(resource.TypeName, key) },
        });
    }

    private static string ServiceKey(string facilityKey, DemoSpecialty specialty) => $"{facilityKey}/{specialty.Key}";

    private static string ServiceName(DemoFacility facility, DemoSpecialty specialty) =>
        $"Hội chẩn từ xa {specialty.VietnameseName} – {facility.ShortName}";

    private static ResourceReference OrganizationRef(DemoFacility facility) =>
        new(FullUrl("Organization", facility.Key), facility.Name);

    // Vietnamese order is family, middle, given; FHIR keeps the family name apart and the rest as given
    // names in order, and the text in the order people write it, so "Nguyễn Văn An" is searchable as typed.
    private static HumanName NameOf(string family, string[] given, string? prefix) => new()
    {
        Use = HumanName.NameUse.Official,
        Text = $"{family} {string.Join(' ', given)}",
        Family = family,
        Given = given,
        Prefix = prefix is null ? [] : [prefix],
    };

    private static Address AddressOf(DemoFacility place, string line, Address.AddressUse use) => new()
    {
        Use = use,
        Type = Address.AddressType.Physical,
        Text = place.AddressText(line),
        Line = [line],
        City = place.Ward,
        District = place.District,
        State = place.Province,
        Country = "VN",
    };

    private static Meta DemoTag() => new() { Tag = [new Coding(MarkerSystem, MarkerValue, "Dữ liệu trình diễn")] };

    private static string Lower(string text) => char.ToLowerInvariant(text[0]) + text[1..];
}

using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>
/// A small network for chain, _has and include tests: two facilities, a doctor, three patients and their readings.
/// An and Cúc are "Nguyễn"; An is cared for at Bạch Mai by Dr Hùng, Bình at Hòa Hảo (also her GP), Cúc has no facility.
/// </summary>
public sealed record SampleClinic(
    Organization BachMai, Organization HoaHao, Practitioner DrHung,
    Patient An, Patient Binh, Patient Cuc,
    Observation AnSystolic, Observation AnPulse, Observation BinhSystolic, Observation CucPulse)
{
    public const string Loinc = "http://loinc.org";
    public const string Systolic = "8480-6";
    public const string Pulse = "8867-4";

    /// <param name="create">Creates one resource (tagged for the test) under a label for failure messages.</param>
    public static async Task<SampleClinic> CreateAsync(Func<string, Resource, Task<Resource>> create)
    {
        var bachMai = (Organization)await create("Bạch Mai", new Organization { Name = "Bệnh viện Bạch Mai" });
        var hoaHao = (Organization)await create("Hòa Hảo", new Organization { Name = "Phòng khám Hòa Hảo" });
        var drHung = (Practitioner)await create("Dr Hùng", new Practitioner { Name = [new HumanName { Family = "Lê", Given = ["Văn", "Hùng"] }] });
        var an = (Patient)await create("An", new Patient
        {
            Name = [new HumanName { Family = "Nguyễn", Given = ["Văn", "An"] }],
            ManagingOrganization = Ref(bachMai),
            GeneralPractitioner = [Ref(drHung)],
        });
        var binh = (Patient)await create("Bình", new Patient
        {
            Name = [new HumanName { Family = "Trần", Given = ["Thị", "Bình"] }],
            ManagingOrganization = Ref(hoaHao),
            GeneralPractitioner = [Ref(hoaHao)],
        });
        var cuc = (Patient)await create("Cúc", new Patient { Name = [new HumanName { Family = "Nguyễn", Given = ["Thị", "Cúc"] }] });
        return new SampleClinic(bachMai, hoaHao, drHung, an, binh, cuc,
            (Observation)await create("An systolic 150", Reading(an, Systolic, 150m, drHung)),
            (Observation)await create("An pulse 80", Reading(an, Pulse, 80m, drHung)),
            (Observation)await create("Bình systolic 110", Reading(binh, Systolic, 110m, null)),
            (Observation)await create("Cúc pulse 95", Reading(cuc, Pulse, 95m, null)));
    }

    public static ResourceReference Ref(Resource r) => new($"{r.TypeName}/{r.Id}");

    public static string Key(Resource r) => $"{r.TypeName}/{r.Id}";

    private static Observation Reading(Patient patient, string code, decimal value, Practitioner? performer) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(Loinc, code),
        Subject = Ref(patient),
        Performer = performer is null ? [] : [Ref(performer)],
        Value = new Quantity { Value = value, System = "http://unitsofmeasure.org", Code = code == Systolic ? "mm[Hg]" : "/min" },
    };
}

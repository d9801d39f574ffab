using Bogus;
using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Bench;

/// <summary>
/// Generated Vietnamese patients, each with 3 encounters and 6 vital-sign or lab observations (10 resources a
/// patient), as transaction bundles with client-chosen ids so the measuring phase can pick ids and values to ask for.
/// Deterministic: patient n is the same in every run.
/// </summary>
public sealed class DataGenerator
{
    public const int ResourcesPerPatient = 10;

    private static readonly (string Code, string Display, string Unit, double Min, double Max)[] Vitals =
    [
        ("8480-6", "Huyết áp tâm thu / Systolic blood pressure", "mm[Hg]", 90, 180),
        ("8462-4", "Huyết áp tâm trương / Diastolic blood pressure", "mm[Hg]", 55, 110),
        ("8867-4", "Nhịp tim / Heart rate", "/min", 50, 130),
        ("29463-7", "Cân nặng / Body weight", "kg", 35, 95),
        ("2339-0", "Đường huyết / Glucose", "mmol/L", 3.5, 15),
        ("8310-5", "Nhiệt độ / Body temperature", "Cel", 36, 40),
    ];

    private static readonly string[] Stations = ["tram-phu-tuc", "tram-tan-thach", "tram-an-khanh", "tram-my-chanh", "tram-tan-xuan", "tram-an-duc"];

    /// <summary>The LOINC code of vital sign <paramref name="k"/> (0–5): each patient has one observation of each.</summary>
    public static string VitalCode(int k) => Vitals[k].Code;

    public static string PatientId(long n) => $"bn-{n:D7}";

    public static string CitizenId(long n) => $"083{n % 2}{(n * 7919 % 100):D2}{n:D6}";

    public static string ObservationId(long n, int k) => $"obs-{n:D7}-{k}";

    /// <summary>A day in 2024 or 2025 that observation k of patient n was taken on.</summary>
    public static DateTime ObservationDate(long n, int k) => new DateTime(2024, 1, 1, 7, 0, 0, DateTimeKind.Utc)
        .AddDays((n * 37 + k * 53) % 700).AddMinutes((n * 13 + k) % 600);

    public static Bundle Bundle(long firstPatient, int patients)
    {
        var bundle = new Bundle { Type = Hl7.Fhir.Model.Bundle.BundleType.Transaction };
        for (var n = firstPatient; n < firstPatient + patients; n++)
            foreach (var resource in ForPatient(n))
                bundle.Entry.Add(new Bundle.EntryComponent
                {
                    FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                    Resource = resource,
                    Request = new Bundle.RequestComponent { Method = Hl7.Fhir.Model.Bundle.HTTPVerb.PUT, Url = $"{resource.TypeName}/{resource.Id}" },
                });
        return bundle;
    }

    public static IEnumerable<Resource> ForPatient(long n)
    {
        var faker = new Faker("vi") { Random = new Randomizer((int)(n % int.MaxValue)) };
        var female = n % 2 == 1;
        var family = faker.Name.LastName();
        var given = faker.Name.FirstName(female ? Bogus.DataSets.Name.Gender.Female : Bogus.DataSets.Name.Gender.Male);
        var middle = female ? "Thị" : faker.PickRandom("Văn", "Minh", "Đức", "Quốc", "Hữu");
        var patientId = PatientId(n);
        var station = Stations[n % Stations.Length];
        yield return new Patient
        {
            Id = patientId,
            Identifier =
            [
                new Identifier("https://telehealth.vn/fhir/sid/cccd", CitizenId(n)),
                new Identifier("https://telehealth.vn/fhir/sid/bhyt", $"GD483{n:D10}"),
            ],
            Name = [new HumanName { Family = family, Given = [middle, given], Text = $"{family} {middle} {given}" }],
            Gender = female ? AdministrativeGender.Female : AdministrativeGender.Male,
            BirthDate = new DateTime(1940 + (int)(n % 80), 1 + (int)(n % 12), 1 + (int)(n % 28)).ToString("yyyy-MM-dd"),
            Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, $"+849{n % 100_000_000:D8}")],
            Address = [new Address { City = "Bến Tre", District = "Châu Thành", Country = "VN" }],
            ManagingOrganization = new ResourceReference($"Organization/{station}"),
        };
        for (var e = 0; e < 3; e++)
        {
            var start = ObservationDate(n, e * 2);
            yield return new Encounter
            {
                Id = $"enc-{n:D7}-{e}",
                Status = Encounter.EncounterStatus.Finished,
                Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"),
                Subject = new ResourceReference($"Patient/{patientId}"),
                Period = new Period(new FhirDateTime(start), new FhirDateTime(start.AddMinutes(30))),
                ServiceProvider = new ResourceReference($"Organization/{station}"),
            };
        }
        for (var k = 0; k < 6; k++)
        {
            var (code, display, unit, min, max) = Vitals[k];
            yield return new Observation
            {
                Id = ObservationId(n, k),
                Status = ObservationStatus.Final,
                Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs")],
                Code = new CodeableConcept("http://loinc.org", code, display),
                Subject = new ResourceReference($"Patient/{patientId}"),
                Encounter = new ResourceReference($"Encounter/enc-{n:D7}-{k / 2}"),
                Effective = new FhirDateTime(ObservationDate(n, k)),
                Value = new Quantity((decimal)Math.Round(faker.Random.Double(min, max), 1), unit, "http://unitsofmeasure.org"),
            };
        }
    }
}

using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Tests.Infrastructure;

/// <summary>The patients and observations the bundle tests send, each patient with a citizen ID of its own.</summary>
public static class BundleSamples
{
    public const string Cccd = "https://telehealth.vn/fhir/sid/cccd";

    public static string NewCccd() => "0010" + Random.Shared.NextInt64(10_000_000, 99_999_999);

    public static Patient NewPatient(string cccd) => new()
    {
        Identifier = [new Identifier(Cccd, cccd)],
        Name = [new HumanName { Family = "Đặng", Given = ["Minh", "Khoa"] }],
        Gender = AdministrativeGender.Male,
        BirthDate = "1968-11-02",
    };

    public static Observation HeartRate(string subject, string? encounter = null) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "8867-4", "Nhịp tim"),
        Subject = new ResourceReference(subject),
        Encounter = encounter is null ? null : new ResourceReference(encounter),
        Value = new Quantity(72, "/min", "http://unitsofmeasure.org"),
    };
}

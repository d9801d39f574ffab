using System.Globalization;
using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Demo;

/// <summary>One patient registered at a commune station.</summary>
internal sealed record DemoPatient(
    string Family,
    string[] Given,
    AdministrativeGender Gender,
    DateOnly BirthDate,
    string CitizenId,
    string InsuranceCard,
    string Phone,
    string StationKey,
    string Hamlet)
{
    public string FullName => $"{Family} {string.Join(' ', Given)}";
}

/// <summary>
/// Patients of the commune stations, the same on every run: two fixed people that tests and demos
/// search for, and the rest drawn from a seeded <see cref="Random"/>.
/// </summary>
internal static class DemoPatients
{
    public const int PerStation = 7;
    private const int Seed = 83_2025;
    private const string BenTreCitizenPrefix = "083";
    private const string BenTreInsuranceProvince = "83";

    // Ages (which decide the insurance category) are taken on a fixed day so the data does not drift.
    private static readonly DateOnly ReferenceDay = new(2025, 1, 1);

    public static readonly DemoPatient NguyenVanAn = new("Nguyễn", ["Văn", "An"], AdministrativeGender.Male,
        new DateOnly(1958, 3, 14), "083058004217", "GD4838300421758", "+84918372645", "tyt-phu-tuc", "Ấp 3");

    public static readonly DemoPatient DangThiDao = new("Đặng", ["Thị", "Đào"], AdministrativeGender.Female,
        new DateOnly(1972, 6, 18), "083172009386", "GD4838300938612", "+84385216947", "tyt-tan-xuan", "Ấp 2");

    // Vietnamese mobile prefixes after the leading 0 (Viettel, MobiFone, VinaPhone, Vietnamobile).
    private static readonly int[] MobilePrefixes = [32, 33, 34, 35, 36, 37, 38, 39, 70, 76, 77, 78, 79, 81, 82, 83, 84, 85, 86, 88, 89, 90, 91, 93, 94, 96, 97, 98, 56, 58];

    public static IReadOnlyList<DemoPatient> Generate()
    {
        var random = new Random(Seed);
        var patients = new List<DemoPatient> { NguyenVanAn, DangThiDao };
        var names = patients.Select(p => p.FullName).ToHashSet(StringComparer.Ordinal);
        var citizenIds = patients.Select(p => p.CitizenId).ToHashSet(StringComparer.Ordinal);
        var cards = patients.Select(p => p.InsuranceCard).ToHashSet(StringComparer.Ordinal);

        foreach (var station in DemoFacilities.Stations)
        {
            var missing = PerStation - patients.Count(p => p.StationKey == station.Key);
            for (var i = 0; i < missing; i++)
                patients.Add(Draw(random, station.Key, names, citizenIds, cards));
        }
        return patients;
    }

    private static DemoPatient Draw(Random random, string stationKey, HashSet<string> names, HashSet<string> citizenIds, HashSet<string> cards)
    {
        var gender = random.Next(2) == 0 ? AdministrativeGender.Male : AdministrativeGender.Female;
        var birthDate = DrawBirthDate(random);
        var male = gender == AdministrativeGender.Male;

        string family, middle, given;
        do
        {
            family = Pick(random, DemoNames.Families);
            middle = Pick(random, male ? DemoNames.MaleMiddles : DemoNames.FemaleMiddles);
            given = Pick(random, male ? DemoNames.MaleGivens : DemoNames.FemaleGivens);
        }
        while (!names.Add($"{family} {middle} {given}"));

        string citizenId;
        do citizenId = CitizenId(random, male, birthDate);
        while (!citizenIds.Add(citizenId));

        string card;
        do card = InsuranceCard(random, birthDate);
        while (!cards.Add(card));

        var phone = $"+84{Pick(random, MobilePrefixes)}{random.Next(10_000_000):D7}";
        var hamlet = $"Ấp {random.Next(1, 8)}";
        return new DemoPatient(family, [middle, given], gender, birthDate, citizenId, card, phone, stationKey, hamlet);
    }

    // Mostly older adults with chronic disease, as at a real commune station, plus some children and young adults.
    private static DateOnly DrawBirthDate(Random random)
    {
        var band = random.NextDouble();
        var year = band switch
        {
            < 0.15 => random.Next(2014, 2024),
            < 0.30 => random.Next(1995, 2007),
            < 0.60 => random.Next(1965, 1995),
            _ => random.Next(1938, 1965),
        };
        return new DateOnly(year, 1, 1).AddDays(random.Next(DateTime.IsLeapYear(year) ? 366 : 365));
    }

    /// <summary>
    /// 12 digits: province of birth registration (083 Bến Tre), a digit for gender and century
    /// (0/1 male/female born 1900–1999, 2/3 born 2000–2099), the last two digits of the birth year, six serial digits.
    /// </summary>
    private static string CitizenId(Random random, bool male, DateOnly birthDate)
    {
        var centuryAndGender = (birthDate.Year >= 2000 ? 2 : 0) + (male ? 0 : 1);
        return string.Create(CultureInfo.InvariantCulture,
            $"{BenTreCitizenPrefix}{centuryAndGender}{birthDate.Year % 100:D2}{random.Next(1_000_000):D6}");
    }

    /// <summary>
    /// 15 characters: beneficiary group (2 letters), benefit level (1 digit), province code (83), and the
    /// 10-digit social-insurance number, which in Bến Tre starts with the province code too.
    /// </summary>
    private static string InsuranceCard(Random random, DateOnly birthDate)
    {
        var age = AgeOn(ReferenceDay, birthDate);
        var group = age switch
        {
            < 6 => "TE1",      // children under six
            < 18 => "HS4",     // pupils
            >= 80 => "BT2",    // social allowance for the very old
            >= 60 => Pick(random, ["HT3", "GD4", "HN2"]),
            _ => Pick(random, ["GD4", "GD4", "DN4", "HN2", "CN3"]),
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"{group}{BenTreInsuranceProvince}{BenTreInsuranceProvince}{random.Next(100_000_000):D8}");
    }

    private static int AgeOn(DateOnly day, DateOnly birthDate)
    {
        var age = day.Year - birthDate.Year;
        return birthDate.AddYears(age) > day ? age - 1 : age;
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}

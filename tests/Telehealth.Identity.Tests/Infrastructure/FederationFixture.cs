using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>
/// Chợ Rẫy's own login server (oidc-provider) and the identity service configured with it as hospital
/// <c>bv-cho-ray</c> (Organization/bv-cho-ray), on one store with the demo accounts. Two more hospitals are configured:
/// one that is not running (its button must still show) and one whose issuer names the running server by another
/// address, which OpenIddict must refuse.
/// </summary>
public abstract class FederationFixture<TStore> : IAsyncLifetime where TStore : TestStore, new()
{
    public const string Key = "bv-cho-ray";
    public const string Organization = "Organization/bv-cho-ray";
    public const string ClientId = "telehealth-identity";
    public const string ClientSecret = "cho-ray-federation-secret";
    public const string SecondKey = "bv-nguyen-dinh-chieu";
    public const string MismatchedKey = "bv-gia-mao";

    /// <summary>The hospital's people, by subject. Each test uses its own, since the class shares one database.</summary>
    public static readonly IReadOnlyDictionary<string, HospitalPerson> People = new Dictionary<string, HospitalPerson>
    {
        // The demo specialist bs.chuyenkhoa (licence of Practitioner/bs-ngo-van-tai); upstream groups that map to nothing.
        ["cr-000123"] = new("Ngô Văn Tài", "005633/BYT-CCHN", ["bac-si-chuyen-khoa", "platform_admin", "facility_admin"], "tai.ngo@choray.vn"),
        // The same, for the idp= test (a fresh browser, same link).
        ["cr-000124"] = new("Lê Thị Hoa", "007214/BYT-CCHN", ["dieu-phoi"]),
        // A local account the test creates without a role: the mapped group grants specialist.
        ["cr-000456"] = new("Lý Ngọc Quỳnh", "006078/BYT-CCHN", ["bac-si-chuyen-khoa"]),
        // Nobody has this licence: pending, then approved.
        ["cr-000789"] = new("Phạm Thị Mới", "009999/BYT-CCHN", ["bac-si-chuyen-khoa"], "moi.pham@choray.vn"),
        // Nobody has this licence: pending, then rejected.
        ["cr-000790"] = new("Đỗ Văn Khước", "009998/BYT-CCHN", ["bac-si-chuyen-khoa"]),
        // Claims the licence of bs.xa, who works at the Phú Túc commune station, not at Chợ Rẫy.
        ["cr-000791"] = new("Trần Văn Giả", "002135/BTR-CCHN", ["bac-si-chuyen-khoa"]),
        // Moved between groups at the hospital while the tests run (HospitalLoginServer.UpdatePersonAsync).
        ["cr-000810"] = new("Hồ Văn Chuyển", "006111/BYT-CCHN", ["bac-si-chuyen-khoa", "dieu-phoi"]),
        ["cr-000811"] = new("Mai Thị Giữ", "006112/BYT-CCHN", ["bac-si-chuyen-khoa"]),
        // No licence upstream; found by the e-mail of a local account of Chợ Rẫy.
        ["cr-000800"] = new("Võ Thị Lan", null, ["dieu-phoi"], "lan.vo@choray.vn"),
    };

    private readonly TStore store = new();
    private IdentityServiceHost? host;
    private HospitalLoginServer? hospital;

    public IdentityServiceHost Host => host ?? throw new InvalidOperationException("Not initialized.");

    public HospitalLoginServer Hospital => hospital ?? throw new InvalidOperationException("Not initialized.");

    public string CallbackUrl => $"{Host.BaseUrl}/account/hospital/{Key}/callback";

    public async Task InitializeAsync()
    {
        await store.InitializeAsync();
        var port = HospitalLoginServer.FreePort();
        var settings = new Dictionary<string, string?>(store.Settings)
        {
            [$"{Section(Key)}:Issuer"] = $"http://127.0.0.1:{port}/",
            [$"{Section(Key)}:ClientId"] = ClientId,
            [$"{Section(Key)}:ClientSecret"] = ClientSecret,
            [$"{Section(Key)}:DisplayName"] = "Chợ Rẫy",
            [$"{Section(Key)}:Organization"] = Organization,
            [$"{Section(Key)}:EmailClaim"] = "email",
            [$"{Section(Key)}:Roles:bac-si-chuyen-khoa"] = "specialist",
            [$"{Section(Key)}:Roles:dieu-phoi"] = "coordinator",

            [$"{Section(SecondKey)}:Issuer"] = $"http://127.0.0.1:{HospitalLoginServer.FreePort()}/",
            [$"{Section(SecondKey)}:ClientId"] = ClientId,
            [$"{Section(SecondKey)}:DisplayName"] = "Nguyễn Đình Chiểu",
            [$"{Section(SecondKey)}:Organization"] = "Organization/bv-nguyen-dinh-chieu",

            // The running server under another name: its discovery document says http://127.0.0.1:port/.
            [$"{Section(MismatchedKey)}:Issuer"] = $"http://localhost:{port}/",
            [$"{Section(MismatchedKey)}:ClientId"] = ClientId,
            [$"{Section(MismatchedKey)}:ClientSecret"] = ClientSecret,
            [$"{Section(MismatchedKey)}:DisplayName"] = "Giả Mạo",
            [$"{Section(MismatchedKey)}:Organization"] = Organization,
            [$"{Section(MismatchedKey)}:Roles:bac-si-chuyen-khoa"] = "specialist",
        };
        host = new IdentityServiceHost(settings);
        hospital = await HospitalLoginServer.StartAsync(port, ClientId, ClientSecret,
            [CallbackUrl, $"{Host.BaseUrl}/account/hospital/{MismatchedKey}/callback"], People);
    }

    public async Task DisposeAsync()
    {
        host?.Dispose();
        hospital?.Dispose();
        await store.DisposeAsync();
    }

    /// <summary>Runs <paramref name="action"/> with the service's account manager, in a scope of its own.</summary>
    public async Task<T> WithUsersAsync<T>(Func<UserManager<PlatformUser>, Task<T>> action)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>());
    }

    private static string Section(string key) => $"Identity:Federation:Hospitals:{key}";
}

public sealed class SqliteFederationFixture : FederationFixture<SqliteTestStore>;

public sealed class PostgresFederationFixture : FederationFixture<PostgresTestStore>;

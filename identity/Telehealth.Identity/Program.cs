using Telehealth.Identity.Accounts;
using Telehealth.Identity.Demo;
using Telehealth.Identity.Keys;
using Telehealth.Identity.Endpoints;
using Telehealth.Identity.Federation;
using Telehealth.Identity.Hosting;
using Telehealth.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

// `Telehealth.Identity rotate-signing-key`: add a new signing key to the key folder; it signs from the next start and
// the old one stays published for Identity:SigningKeyOverlap (default two days).
if (args.FirstOrDefault() == "rotate-signing-key")
{
    var folder = builder.Configuration["Identity:KeyFolder"] ?? TokenKeyFolder.DefaultPath;
    Console.WriteLine($"New signing key {TokenKeyFolder.RotateSigningKey(folder)} in {Path.GetFullPath(folder)}; restart the identity service to sign with it.");
    return;
}

// Behind a gateway or TLS proxy: the client's scheme and host from ForwardedHeaders:TrustedProxies only.
builder.Services.AddTrustedProxies(builder.Configuration);
// Storage, accounts, the OpenIddict server and its keys: Hosting/IdentityServerConfiguration.cs.
builder.Services.AddTelehealthIdentity(builder.Configuration);
// Two-step sign-in with an authenticator app, required for staff outside demo mode: Accounts/TwoFactorRules.cs.
builder.Services.AddTwoFactorSignIn(builder.Configuration);
// Facility administrators manage their staff's accounts (/admin/staff): Accounts/StaffAdministration.cs.
builder.Services.AddStaffAdministration();
// Demo accounts, scopes and clients, only with Demo:Load=true.
builder.Services.AddDemoData(builder.Configuration);

var app = builder.Build();

app.UseTrustedProxies();
app.UseAuthentication();
app.UseAuthorization();
app.MapRazorPages();          // /account/login, /account/twofactor, /account/setup, /admin/staff
app.MapConnectEndpoints();    // /connect/authorize, token, endsession, userinfo
app.MapHospitalFederation();  // /account/hospital/{key}/callback
app.MapGet("/", () => Results.Redirect("/account/login"));

app.Run();

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;

using Telehealth.Identity.Demo;
using Telehealth.Identity.Endpoints;
using Telehealth.Identity.Federation;
using Telehealth.Identity.Hosting;

var builder = WebApplication.CreateBuilder(args);

// Storage, accounts, the OpenIddict server and its keys: Hosting/IdentityServerConfiguration.cs.
builder.Services.AddTelehealthIdentity(builder.Configuration);
// Demo accounts, scopes and clients, only with Demo:Load=true.
builder.Services.AddDemoData(builder.Configuration);

var app = builder.Build();

app.UseAuthentication();
app.UseAuthorization();
app.MapRazorPages();          // /account/login
app.MapConnectEndpoints();    // /connect/authorize, token, endsession, userinfo
app.MapHospitalFederation();  // /account/hospital/{key}/callback
app.MapGet("/", () => Results.Redirect("/account/login"));

app.Run();

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;

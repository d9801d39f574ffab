using Telehealth.Fhir.Access;
using Telehealth.Fhir.Demo;
using Telehealth.Fhir.Hosting;
using Telehealth.Fhir.Interactions;
using Telehealth.ServiceDefaults;

if (RecordStoreCommands.IsCommand(args)) return await RecordStoreCommands.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddTrustedProxies(builder.Configuration);
builder.Services.AddRecordService(builder.Configuration, builder.Environment);
builder.Services.AddDemoData(builder.Configuration);

var app = builder.Build();

app.UseTrustedProxies();
app.UseMiddleware<OperationOutcomeMiddleware>();
app.UseRecordServiceAccess();
app.MapRecordService();

app.Run();
return 0;

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;

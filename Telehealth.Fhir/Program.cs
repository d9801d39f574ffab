using Telehealth.Fhir.Access;
using Telehealth.Fhir.Demo;
using Telehealth.Fhir.Hosting;
using Telehealth.Fhir.Interactions;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRecordService(builder.Configuration, builder.Environment);
builder.Services.AddDemoData(builder.Configuration);

var app = builder.Build();
if (RecordStoreCommands.IsCommand(args)) return await RecordStoreCommands.RunAsync(app.Services, args);

app.UseMiddleware<OperationOutcomeMiddleware>();
app.UseRecordServiceAccess();
app.MapRecordService();

app.Run();
return 0;

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;

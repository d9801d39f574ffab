using Telehealth.Api.Access;
using Telehealth.Api.Callers;
using Telehealth.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddTrustedProxies(builder.Configuration);
builder.Services.AddApiAccess(builder.Configuration);
builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<AccessInterceptor>());
builder.Services.AddMediator((Mediator.MediatorOptions mediator) => mediator.ServiceLifetime = ServiceLifetime.Scoped);

var app = builder.Build();

app.UseTrustedProxies();
app.UseAuthentication();
app.MapGrpcService<CallersService>();

app.Run();

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Telehealth.Fhir.Interactions;
using Telehealth.Fhir.Model;
using Telehealth.ServiceDefaults;

namespace Telehealth.Fhir.Access;

/// <summary>Token checking (JWT bearer against the identity service's keys), access rules and the audit trail.</summary>
public static class AccessSetup
{
    public static IServiceCollection AddRecordServiceAccess(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection("Fhir:Auth");
        services.Configure<AccessOptions>(section);
        services.AddSingleton<AccessRules>();
        services.AddSingleton<StationRoster>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<AccessGuards>();
        services.AddHostedService<AuditWriter>();
        var options = section.Get<AccessOptions>() ?? new AccessOptions();

        if (options.Disabled)
        {
            if (!environment.IsEnvironment("Benchmark"))
                throw new InvalidOperationException("Fhir:Auth:Disabled is honoured only in the Benchmark environment; the record service never runs without token checks.");
            return services;
        }
        if (string.IsNullOrWhiteSpace(options.Authority))
            throw new InvalidOperationException("Fhir:Auth:Authority is not set: the record service needs the identity service's issuer (for example http://127.0.0.1:5081) to check tokens.");

        services.AddPlatformTokens(new TokenSettings(options.Authority, options.Audience, options.RequireHttpsMetadata, options.TrustedCertificateFile, "Fhir:Auth"), new JwtBearerEvents
        {
            OnChallenge = async context =>
            {
                context.HandleResponse();
                var reason = context.AuthenticateFailure is { } failure
                    ? $"The access token was refused: {PlatformTokens.Describe(failure, "the record service")}"
                    : "This request needs an access token from the identity service (Authorization: Bearer …).";
                context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
                    ? "Bearer" : "Bearer error=\"invalid_token\"";
                await FhirResults.Outcome(new FhirException(401, Hl7.Fhir.Model.OperationOutcome.IssueType.Login, reason).ToOutcome(), 401)
                    .ExecuteAsync(context.HttpContext);
            },
        });
        return services;
    }

    public static IApplicationBuilder UseRecordServiceAccess(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AccessOptions>>().Value.Disabled) return app;
        app.UseAuthentication();
        app.Use(RequireCaller);
        return app;
    }

    /// <summary>
    /// Every request needs a caller whose token passed the checks, except on endpoints marked anonymous (the
    /// capability statement, the SMART configuration); anything else is challenged: 401 with the reason
    /// (<c>OnChallenge</c> above). What the caller may then do is the access guard's decision, record by record.
    /// This is the one rule ASP.NET Core's authorization middleware applied here (a fallback policy requiring an
    /// authenticated user), without its machinery (policy evaluation and the services it resolves on every request).
    /// Side by side on a held 100k database (wrk, reads by id with a service token, alternating 7 s rounds), this check
    /// cost the service 4–14 µs less CPU per read than that middleware in each of four pairs, a third of what
    /// checking tokens costs in all. Authorization services are not registered, so the framework adds no
    /// authorization middleware of its own either (docs/PERFORMANCE.md, run X).
    /// </summary>
    private static Task RequireCaller(HttpContext context, RequestDelegate next) =>
        context.User.Identity?.IsAuthenticated == true || context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null
            ? next(context)
            : context.ChallengeAsync();
}

/// <summary>The access guard for each request, made once from the request's token.</summary>
public sealed class AccessGuards(AccessRules rules, AuditTrail audit, Indexing.ResourceIndexer indexer, StationRoster roster, IOptions<AccessOptions> options,
    IOptions<Storage.StorageOptions> storage)
{
    private static readonly object Key = new();

    /// <summary>Some access filters take another form on PostgreSQL (<see cref="AccessGuard"/>'s own record).</summary>
    private readonly bool postgres = storage.Value.Provider == Storage.StorageProvider.Postgres;

    /// <summary>With checks disabled (benchmark only) every request acts as a service holding system/*.cruds.</summary>
    private static readonly Caller Unchecked = new("benchmark", "benchmark", new HashSet<string>(), null, null,
        SmartScopes.Parse(["system/*.cruds"]), null);

    /// <summary>
    /// Callers made from tokens, by the token's exact text: a request gets here only after its token passed the checks
    /// (which expiry is part of), and the same text always carries the same claims, so reading the claims and parsing
    /// the scopes again on each of a client's requests would only repeat the same work.
    /// </summary>
    private readonly MemoryCache callers = new(new MemoryCacheOptions { SizeLimit = 20_000 });

    public AccessGuard For(HttpContext context)
    {
        if (context.Items.TryGetValue(Key, out var cached) && cached is AccessGuard guard) return guard;
        var address = context.Connection.RemoteIpAddress?.ToString();
        var caller = options.Value.Disabled ? Unchecked with { Address = address } : FromToken(context) with { Address = address };
        guard = new AccessGuard(caller, rules, audit, indexer, roster, postgres);
        context.Items[Key] = guard;
        return guard;
    }

    private Caller FromToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0 || context.User.Identity?.IsAuthenticated != true) return Caller.From(context.User, null);
        if (callers.TryGetValue(header, out Caller? known) && known is not null) return known;
        var caller = Caller.From(context.User, null);
        callers.Set(header, caller, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CachedTokenHandler.MaxAge });
        return caller;
    }
}

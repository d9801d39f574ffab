using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Telehealth.Api.Access;

/// <summary>Token checking for the scheduling core: JWT bearer against the keys the identity service publishes.</summary>
public static class ApiAccessSetup
{
    public static IServiceCollection AddApiAccess(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Api:Auth");
        services.Configure<ApiAuthOptions>(section);
        var options = section.Get<ApiAuthOptions>() ?? new ApiAuthOptions();
        if (string.IsNullOrWhiteSpace(options.Authority))
            throw new InvalidOperationException("Api:Auth:Authority is not set: the scheduling core needs the identity service's issuer (for example http://127.0.0.1:5081) to check tokens.");
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.Authority = options.Authority;
            jwt.Audience = options.Audience;
            jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
            jwt.MapInboundClaims = false; // keep sub, role, scope, fhirUser as the identity service wrote them
            jwt.TokenValidationParameters.NameClaimType = "sub";
            jwt.TokenValidationParameters.RoleClaimType = "role";
            jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
        });
        services.AddAuthorization();
        return services;
    }
}

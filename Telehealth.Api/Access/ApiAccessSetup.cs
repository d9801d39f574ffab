using Telehealth.ServiceDefaults;

namespace Telehealth.Api.Access;

/// <summary>Token checking for the scheduling core: the platform's JWT bearer checks, for the audience telehealth-api.</summary>
public static class ApiAccessSetup
{
    public static IServiceCollection AddApiAccess(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Api:Auth");
        services.Configure<ApiAuthOptions>(section);
        var options = section.Get<ApiAuthOptions>() ?? new ApiAuthOptions();
        if (string.IsNullOrWhiteSpace(options.Authority))
            throw new InvalidOperationException("Api:Auth:Authority is not set: the scheduling core needs the identity service's issuer (for example http://127.0.0.1:5081) to check tokens.");
        services.AddPlatformTokens(new TokenSettings(options.Authority, options.Audience, options.RequireHttpsMetadata, options.TrustedCertificateFile, "Api:Auth"));
        services.AddAuthorization();
        return services;
    }
}

namespace Telehealth.Api.Access;

/// <summary>
/// The scope a token must grant to call this gRPC method. Every method declares one: <see cref="AccessInterceptor"/>
/// refuses a method that declares none, so a method added without thinking about access is closed, not open.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresScopeAttribute(string scope) : Attribute
{
    public string Scope { get; } = scope;
}

/// <summary>The scheduling core's own scopes.</summary>
public static class ApiScopes
{
    /// <summary>Use the scheduling core at all (what the web app and scripts ask for).</summary>
    public const string Use = "api";
}

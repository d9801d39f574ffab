namespace Telehealth.Fhir.Access;

/// <summary>Whose data a SMART scope speaks for: the patient in context, the signed-in user, or a service.</summary>
public enum ScopeContext
{
    Patient,
    User,
    System,
}

/// <summary>One SMART scope on resources: <c>user/Observation.rs</c>, <c>system/*.cruds</c>, or v1's <c>patient/*.read</c>.</summary>
public sealed record SmartScope(ScopeContext Context, string Type, string Permissions)
{
    /// <summary>Parses a scope; other scopes (openid, profile, api, ...) are not about FHIR resources and give null.</summary>
    public static SmartScope? Parse(string scope)
    {
        var slash = scope.IndexOf('/');
        var dot = scope.LastIndexOf('.');
        if (slash <= 0 || dot <= slash + 1 || dot == scope.Length - 1) return null;
        ScopeContext? context = scope[..slash] switch
        {
            "patient" => ScopeContext.Patient,
            "user" => ScopeContext.User,
            "system" => ScopeContext.System,
            _ => null,
        };
        if (context is null) return null;
        var type = scope[(slash + 1)..dot];
        // The ?query part of a v2 scope (finer-grained constraints) is not supported: such a scope grants nothing.
        var permissions = scope[(dot + 1)..] switch
        {
            "read" => "rs",
            "write" => "cud",
            "*" => "cruds",
            var v2 when IsV2(v2) => v2,
            _ => null,
        };
        return permissions is null ? null : new SmartScope(context.Value, type, permissions);
    }

    // SMART v2 permissions are a subset of c, r, u, d, s in that order, each at most once.
    private static bool IsV2(string permissions)
    {
        var last = -1;
        foreach (var letter in permissions)
        {
            var at = "cruds".IndexOf(letter);
            if (at <= last) return false;
            last = at;
        }
        return permissions.Length > 0;
    }
}

/// <summary>The resource scopes a token grants, and what they allow.</summary>
public sealed class SmartScopes(IReadOnlyList<SmartScope> scopes)
{
    public static SmartScopes Parse(IEnumerable<string> scopes) =>
        new(scopes.Select(SmartScope.Parse).OfType<SmartScope>().ToList());

    public IReadOnlyList<SmartScope> All => scopes;

    /// <summary>Whether some scope in one of the contexts grants this permission on this type (or on every type, for "*").</summary>
    public bool Allows(string type, char permission, params ScopeContext[] contexts) =>
        scopes.Any(s => contexts.Contains(s.Context) && (s.Type == "*" || s.Type == type) && s.Permissions.Contains(permission));
}

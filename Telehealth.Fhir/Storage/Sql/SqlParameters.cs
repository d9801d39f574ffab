namespace Telehealth.Fhir.Storage.Sql;

/// <summary>Collects the bound values of one statement and hands out their names.</summary>
public sealed class SqlParameters
{
    private readonly List<(string Name, object? Value)> values = [];
    private int aliasCounter;

    public IReadOnlyList<(string Name, object? Value)> Values => values;

    public string Add(object? value)
    {
        var name = "@s" + values.Count;
        values.Add((name, value));
        return name;
    }

    /// <summary>A fresh table alias, so nested sub-queries (chains, _has) never collide.</summary>
    public string Alias(string prefix) => prefix + aliasCounter++;
}

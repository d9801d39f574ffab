namespace Telehealth.Fhir.Storage.Sql;

/// <summary>
/// PostgreSQL's plan cache mode for one search statement: a generic plan for a statement whose best plan does not
/// depend on its values (planning it anew cost as much as running it), a custom plan for one whose does (an access
/// filter's). The setting is local to the command's implicit transaction (Npgsql sends one Sync a command), so it ends
/// with the statement.
/// </summary>
internal static class PlanModes
{
    public const string Generic = "force_generic_plan";
    public const string Custom = "force_custom_plan";

    /// <summary>The mode a statement runs under, where it can be set: on PostgreSQL, and outside a write's transaction,
    /// which the setting would outlast; otherwise null (as the session has it).</summary>
    public static string? For(RecordSession session, string mode) =>
        session.Database.IsPostgres && !session.InTransaction ? mode : null;

    /// <summary>The statement run under <paramref name="planMode"/> when one is given (<see cref="For"/>).</summary>
    public static string Prefixed(string sql, string? planMode) =>
        planMode is null ? sql : $"SELECT set_config('plan_cache_mode', '{planMode}', true); " + sql;
}

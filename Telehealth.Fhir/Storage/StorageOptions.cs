namespace Telehealth.Fhir.Storage;

public enum StorageProvider { Sqlite, Postgres }

/// <summary>Bound from the <c>Fhir:Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>A Microsoft.Data.Sqlite or Npgsql connection string.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/fhir.db";

    /// <summary>
    /// Index rows (about the matches) from which a search by one token alone walks the token index in key order instead of
    /// sorting the matches' keys (<see cref="Sql.LoneTokenSql"/>). Sorting costs in proportion to the matches, walking to
    /// <c>page × index rows / matches</c>, and seeing whether a token has this many costs in proportion to it. Chosen
    /// when the walk still went over resources (before run AT), on the bench database at 530,000 observations (generic
    /// plans, warm): 5,000 matches walked in 6.6–9.3 ms, 4,999 sorted in 5.9–7.6 ms, a code on one observation in six
    /// took 1.0 ms; at 2,000 the walk took 13–17 ms and the sort 1.5–1.7. The walk along the index costs less; the
    /// threshold has not been measured again.
    /// </summary>
    public int CommonTokenAt { get; set; } = 5_000;

    /// <summary>
    /// Token index rows the walk of a common token reads past the cursor at most (<see cref="Sql.LoneTokenSql"/>); when
    /// they do not fill the page and more lie beyond, the matches after the cursor are sorted instead. Large enough
    /// for a token at <see cref="CommonTokenAt"/> spread over a million resources, which have about five token rows
    /// each (about 20,000 rows for a page of 20); a code whose matches cluster in time read every row before them
    /// without it (1.8 s at 1M).
    /// </summary>
    public int TokenWalkBudget { get; set; } = 50_000;

    /// <summary>
    /// Date index rows that the walk of a search sorted by one date, latest first (<see cref="Sql.SortWalkSql"/>), reads
    /// past the cursor at most; when they do not fill the page, the matches are sorted instead. A page of 20 matches
    /// that are one in 500 of the type's dated resources reads about 10,000. A walk that gives way has cost that much
    /// more than sorting: at 1M, 30-50 ms for a caller who sees every resource, about 300 ms for a commune doctor whose
    /// patients it never met (each row's access check), against 0.7-6 s for sorting those searches' matches. A fifth
    /// of it cut the doctor's loss to 60 ms, but a search for blood pressures then gave way behind the bench's 10,000
    /// newest heart rates (42 ms walked, 2.1 s sorted).
    /// </summary>
    public int SortWalkBudget { get; set; } = 10_000;
}

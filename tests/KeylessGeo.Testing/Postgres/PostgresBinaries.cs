namespace KeylessGeo.Testing.Postgres;

/// <summary>
/// Where the PostgreSQL server programs are: <c>KEYLESSGEO_PG_BIN</c> when set, else the newest
/// Debian install under <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> (<c>apt-get install postgresql</c>;
/// <c>scripts/test.sh</c> installs it).
/// </summary>
public sealed record PostgresBinaries(string Directory)
{
    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    public string PgIsReady => Path.Combine(Directory, "pg_isready");

    /// <summary>Finds the binaries or throws saying how to install them.</summary>
    public static PostgresBinaries Find()
    {
        var configured = Environment.GetEnvironmentVariable("KEYLESSGEO_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return Usable(configured) ? new PostgresBinaries(configured)
                : throw new InvalidOperationException($"KEYLESSGEO_PG_BIN={configured} does not hold initdb, pg_ctl and pg_isready");
        }

        const string Root = "/usr/lib/postgresql";
        var newest = System.IO.Directory.Exists(Root)
            ? System.IO.Directory.EnumerateDirectories(Root)
                .Select(version => (Version: int.TryParse(Path.GetFileName(version), out var v) ? v : -1, Bin: Path.Combine(version, "bin")))
                .Where(candidate => candidate.Version >= 0 && Usable(candidate.Bin))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
                .FirstOrDefault()
            : null;
        return newest is not null ? new PostgresBinaries(newest)
            : throw new InvalidOperationException(
                "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: run scripts/test.sh, or apt-get install postgresql, or set KEYLESSGEO_PG_BIN");
    }

    private static bool Usable(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")) && File.Exists(Path.Combine(directory, "pg_isready"));
}

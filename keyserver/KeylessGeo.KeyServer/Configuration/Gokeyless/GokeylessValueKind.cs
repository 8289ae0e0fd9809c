namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>The type of a gokeyless setting's value, which decides how its text is read.</summary>
internal enum GokeylessValueKind
{
    /// <summary>Any text.</summary>
    Text,

    /// <summary>A file path; a relative one is resolved against the file's folder (or, from the environment, the working folder).</summary>
    Path,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>A number that may have a fraction.</summary>
    Number,

    /// <summary>true or false (also yes/no, on/off, 1/0).</summary>
    Boolean,
}

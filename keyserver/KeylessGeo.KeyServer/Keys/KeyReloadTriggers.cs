namespace KeylessGeo.KeyServer.Keys;

/// <summary>Why the key directory is re-read; several may be pending for one reload.</summary>
[Flags]
internal enum KeyReloadTriggers
{
    None = 0,

    /// <summary>A file in the directory was created, changed, renamed or deleted.</summary>
    Change = 1,

    /// <summary>The process received SIGHUP.</summary>
    Signal = 2,

    /// <summary>The watcher lost events (buffer overflow or another watch error).</summary>
    WatchError = 4,

    /// <summary>Asked for in code (tests, tools).</summary>
    Request = 8,
}

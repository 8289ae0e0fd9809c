namespace KeylessGeo.KeyServer;

/// <summary>Keyserver entry point.</summary>
public static class Program
{
    /// <summary>Starts the keyserver.</summary>
    public static int Main() => 0;
}

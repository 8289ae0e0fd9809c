namespace KeylessGeo.Cli.ControlPlane;

/// <summary>A bad argument or an unreadable local file, found before anything was sent.</summary>
public sealed class CliUsageException : Exception
{
    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CliUsageException()
    {
    }
}

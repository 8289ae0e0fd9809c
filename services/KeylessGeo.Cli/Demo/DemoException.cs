namespace KeylessGeo.Cli.Demo;

/// <summary>A demo step that could not be carried out; its message says which and why.</summary>
public sealed class DemoException : Exception
{
    public DemoException()
    {
    }

    public DemoException(string message)
        : base(message)
    {
    }

    public DemoException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

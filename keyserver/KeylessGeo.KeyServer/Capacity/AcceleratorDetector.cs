namespace KeylessGeo.KeyServer.Capacity;

/// <summary>
/// Decides which accelerator is in use: the configured one, or Intel QAT when its device node
/// or PCI driver is present.
/// </summary>
internal static class AcceleratorDetector
{
    /// <summary>Resolves the accelerator; <paramref name="root"/> lets tests point at a fake filesystem.</summary>
    public static AcceleratorInfo Resolve(string configured, double multiplier, string root = "/")
    {
        switch (configured)
        {
            case "qat":
                return new AcceleratorInfo("qat", multiplier, "configured");
            case "none":
                return AcceleratorInfo.None;
            default:
                return QatPresent(root) ? new AcceleratorInfo("qat", multiplier, "detected") : AcceleratorInfo.None;
        }
    }

    private static bool QatPresent(string root)
    {
        if (File.Exists(Path.Combine(root, "dev/qat_adf_ctl")))
        {
            return true;
        }

        var drivers = Path.Combine(root, "sys/bus/pci/drivers");
        try
        {
            return Directory.Exists(Path.Combine(drivers, "4xxx")) ||
                (Directory.Exists(drivers) && Directory.EnumerateDirectories(drivers, "qat_*").Any());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

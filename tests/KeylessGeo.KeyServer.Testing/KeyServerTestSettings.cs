using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Testing;

/// <summary>
/// The settings every test keyserver starts from, in-process or as a child process: loopback,
/// ports chosen at bind time (the metrics and health endpoint's too), the test CA's certificates (the member certificate for the silo,
/// which forwarding also presents by default), no calibration, no accelerator.
/// </summary>
public static class KeyServerTestSettings
{
    public static Dictionary<string, string?> Defaults(TestPemFiles pem, string keysDirectory, string keyserverId, string datacenter)
    {
        ArgumentNullException.ThrowIfNull(pem);
        return new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = keyserverId,
            ["KeyServer:Datacenter"] = datacenter,
            ["KeyServer:KeysDirectory"] = keysDirectory,
            ["KeyServer:Admission:CalibrationDuration"] = "00:00:00",
            ["KeyServer:Admission:Accelerator"] = "none",
            ["Listen:Address"] = "127.0.0.1",
            ["Listen:Port"] = "0",
            ["Listen:CertificatePath"] = pem.ServerCertificate,
            ["Listen:KeyPath"] = pem.ServerKey,
            ["Listen:ClientCaPath"] = pem.CaCertificate,
            ["Keyless:Port"] = "0",
            // Many keyservers run at once on one machine: the scrape endpoint takes a free port too.
            ["Telemetry:Prometheus:Port"] = "0",
            ["Cluster:Silo:CertificatePath"] = pem.PeerCertificate,
            ["Cluster:Silo:KeyPath"] = pem.PeerKey,
        };
    }
}

namespace KeylessGeo.KeyServer.Configuration;

/// <summary>Admission control and capacity settings (section <c>KeyServer:Admission</c>).</summary>
public sealed record AdmissionOptions
{
    /// <summary>Dedicated worker threads running private-key operations.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Requests that may wait for a worker; beyond this a request is answered OVERLOADED.</summary>
    public int QueueLimit { get; init; } = 256;

    /// <summary>The deadline applied to a request that arrives without one.</summary>
    public TimeSpan DefaultDeadline { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The hardware accelerator: <c>""</c> detects Intel QAT, <c>"qat"</c> declares it,
    /// <c>"none"</c> disables detection.
    /// </summary>
    public string Accelerator { get; init; } = "";

    /// <summary>Capacity multiplier for RSA and ECDSA when an accelerator is in use.</summary>
    public double AcceleratorMultiplier { get; init; } = 4.0;

    /// <summary>Total time spent measuring capacity at start-up, split over the algorithms; zero skips it.</summary>
    public TimeSpan CalibrationDuration { get; init; } = TimeSpan.FromSeconds(1.4);
}

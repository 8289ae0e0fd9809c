namespace KeylessGeo.KeyServer.Admission;

/// <summary>An admission decision with the message explaining a rejection.</summary>
internal readonly record struct AdmissionResult(AdmissionDecision Decision, string? Message)
{
    public static AdmissionResult Accepted { get; } = new(AdmissionDecision.Accepted, null);

    public bool IsAccepted => Decision == AdmissionDecision.Accepted;
}

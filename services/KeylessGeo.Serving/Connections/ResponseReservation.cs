namespace KeylessGeo.Serving.Connections;

/// <summary>The outcome of <see cref="ResponseAccount.TryReserve"/>.</summary>
public enum ResponseReservation
{
    /// <summary>The bytes are reserved; release them once the response is written.</summary>
    Reserved,

    /// <summary>The connection already holds <see cref="ResponseBudget.PerConnectionLimit"/>: stop reading it until its client reads.</summary>
    ConnectionFull,

    /// <summary>The process-wide <see cref="ResponseBudget.Limit"/> is spent: stop reading until bytes are released.</summary>
    BudgetFull,
}

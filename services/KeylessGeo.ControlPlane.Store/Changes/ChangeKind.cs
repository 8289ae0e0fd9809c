namespace KeylessGeo.ControlPlane.Store.Changes;

/// <summary>What kind of record a change touched.</summary>
public enum ChangeKind
{
    Datacenter = 1,
    WrappingKey = 2,
    Policy = 3,
    Key = 4,
}

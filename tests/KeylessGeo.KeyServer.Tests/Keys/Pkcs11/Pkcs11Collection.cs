namespace KeylessGeo.KeyServer.Tests.Keys.Pkcs11;

/// <summary>
/// Test classes that use SoftHSM2: they run one after another, since the module is initialised
/// once per process and reads <c>SOFTHSM2_CONF</c> (set per test) when it is.
/// </summary>
[CollectionDefinition(Name)]
public sealed class Pkcs11Collection
{
    public const string Name = "pkcs11 softhsm";
}

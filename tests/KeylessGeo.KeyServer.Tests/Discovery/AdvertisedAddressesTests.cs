using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Discovery;

namespace KeylessGeo.KeyServer.Tests.Discovery;

public sealed class AdvertisedAddressesTests
{
    [Fact]
    public void Fill_SplitsGrpcAndKeylessEndpoints_InTheContractsForm_AndLeavesOutTheRest()
    {
        var info = new KeyserverInfo();

        AdvertisedAddresses.Fill(info,
        [
            "grpc://10.0.0.5:7443",
            "keyless://10.0.0.5:2407",
            "https://[2001:db8::5]:7443",
            "unix:/run/keylessgeo/keyserver.sock",
            "grpc://no-port.example",
            "keyless://no-port.example",
            "http://10.0.0.5:8080",
            "not an address",
        ]);

        Assert.Equal(new[] { "https://10.0.0.5:7443", "https://[2001:db8::5]:7443", "unix:/run/keylessgeo/keyserver.sock" }, info.GrpcEndpoints);
        Assert.Equal(new[] { "10.0.0.5:2407" }, info.KeylessEndpoints);
    }
}

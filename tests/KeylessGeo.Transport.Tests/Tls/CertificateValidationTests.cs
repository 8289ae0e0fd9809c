using KeylessGeo.Testing;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Transport.Tests.Tls;

public sealed class CertificateValidationTests : IDisposable
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();

    [Fact]
    public void TryValidate_ChecksTheRootTheValidityPeriodAndTheUsage()
    {
        Assert.True(CertificateValidation.TryValidate(_tls.ClientCertificate, null, _tls.TrustedCa, CertificateValidation.ClientAuthentication, out _));
        Assert.False(CertificateValidation.TryValidate(_tls.ExpiredClientCertificate, null, _tls.TrustedCa, CertificateValidation.ClientAuthentication, out var expired));
        Assert.False(CertificateValidation.TryValidate(_tls.OtherCaClientCertificate, null, _tls.TrustedCa, CertificateValidation.ClientAuthentication, out _));
        Assert.False(CertificateValidation.TryValidate(_tls.ClientCertificate, null, _tls.TrustedCa, CertificateValidation.ServerAuthentication, out _));
        Assert.Contains("NotTimeValid", expired, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidate_WithoutATrustedCa_Refuses()
    {
        Assert.False(CertificateValidation.TryValidate(_tls.ClientCertificate, null, [], CertificateValidation.ClientAuthentication, out var error));
        Assert.Contains("No trusted CA", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerCertificate_IsTrustedOnlyWhenItChainsToTheConfiguredCa()
    {
        Assert.True(ServerCertificateValidation.IsTrusted(_tls.ServerCertificate, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors, _tls.TrustedCa, "localhost", out _));
        Assert.False(ServerCertificateValidation.IsTrusted(_tls.OtherCaServerCertificate, null, System.Net.Security.SslPolicyErrors.None, _tls.TrustedCa, "localhost", out _));
        Assert.False(ServerCertificateValidation.IsTrusted(_tls.ServerCertificate, null, System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch, _tls.TrustedCa, "localhost", out var mismatch));
        Assert.Contains("does not name the host", mismatch, StringComparison.Ordinal);
        Assert.False(ServerCertificateValidation.IsTrusted(null, null, System.Net.Security.SslPolicyErrors.RemoteCertificateNotAvailable, _tls.TrustedCa, "localhost", out _));
    }

    public void Dispose() => _tls.Dispose();
}

using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.EdgeTls.Tests.Infrastructure;

namespace KeylessGeo.EdgeTls.Tests;

/// <summary>
/// The engine inside a .NET process, as our edge host uses it: <c>SafeEvpPKeyHandle.OpenPrivateKeyFromEngine</c>
/// finds <c>keylessgeo.so</c> through <c>OPENSSL_ENGINES</c>, and .NET's RSA and ECDSA classes sign
/// through the keyserver from several threads at once; the signatures verify with the certificate.
/// The signing threads are dedicated threads: a signature blocks its thread, and the agent of this
/// test runs in the same process on the thread pool, which blocked pool threads would starve.
/// </summary>
[Collection(EdgeTlsCollection.Name)]
public sealed partial class DotNetEngineKeyTests(EdgeTlsFixture fixture)
{
    private EdgeTlsStack Stack => fixture.Stack;

    [Fact]
    public async Task EngineKeys_OpenedByDotNet_SignFromManyThreads_AndVerifyWithTheCertificate()
    {
        // OpenSSL reads these from the native environment when the engine is first loaded.
        Assert.Equal(0, SetEnvironment("OPENSSL_ENGINES", Path.GetDirectoryName(RepositoryPaths.EngineLibrary)!, 1));
        Assert.Equal(0, SetEnvironment("KEYLESSGEO_ENGINE_SOCKET", Stack.AgentSocket, 1));
        Assert.Equal(0, SetEnvironment("KEYLESSGEO_ENGINE_DEADLINE_MS", "10000", 1));
        using var rsaCertificate = X509CertificateLoader.LoadCertificateFromFile(Certificate("rsa"));
        using var ecCertificate = X509CertificateLoader.LoadCertificateFromFile(Certificate("ec"));
        using var rsaHandle = SafeEvpPKeyHandle.OpenPrivateKeyFromEngine("keylessgeo", Certificate("rsa"));
        using var ecHandle = SafeEvpPKeyHandle.OpenPrivateKeyFromEngine("keylessgeo", Certificate("ec"));
        using var rsa = new RSAOpenSsl(rsaHandle);
        using var ecdsa = new ECDsaOpenSsl(ecHandle);
        using var rsaPublic = rsaCertificate.GetRSAPublicKey()!;
        using var ecPublic = ecCertificate.GetECDsaPublicKey()!;

        var before = await Stack.KeyserverOperationsAsync("OPERATION_ECDSA_SHA256", CancellationToken.None);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var signers = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            try
            {
                var digest = SHA256.HashData(BitConverter.GetBytes(i));
                for (var round = 0; round < 5; round++)
                {
                    Assert.True(ecPublic.VerifyHash(digest, ecdsa.SignHash(digest)));
                    Assert.True(rsaPublic.VerifyHash(digest, rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pss), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
                    Assert.True(rsaPublic.VerifyHash(digest, rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToList();
        signers.ForEach(thread => thread.Start());
        foreach (var thread in signers)
        {
            Assert.True(thread.Join(TimeSpan.FromMinutes(1)), "a signing thread did not finish");
        }

        Assert.Empty(failures);

        Assert.Equal(before + 40, await Stack.KeyserverOperationsAsync("OPERATION_ECDSA_SHA256", CancellationToken.None));
    }

    private string Certificate(string name) => Path.Combine(Stack.Directory, "certs", $"{name}.example.com.pem");

    [Fact]
    public async Task EcdsaP384Key_OpenedByDotNet_SignsSha384Digests()
    {
        Assert.Equal(0, SetEnvironment("OPENSSL_ENGINES", Path.GetDirectoryName(RepositoryPaths.EngineLibrary)!, 1));
        Assert.Equal(0, SetEnvironment("KEYLESSGEO_ENGINE_SOCKET", Stack.AgentSocket, 1));
        Assert.Equal(0, SetEnvironment("KEYLESSGEO_ENGINE_DEADLINE_MS", "10000", 1));
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(Certificate("ec384"));
        using var handle = SafeEvpPKeyHandle.OpenPrivateKeyFromEngine("keylessgeo", Certificate("ec384"));
        using var ecdsa = new ECDsaOpenSsl(handle);
        using var ecPublic = certificate.GetECDsaPublicKey()!;
        var before = await Stack.KeyserverOperationsAsync("OPERATION_ECDSA_SHA384", CancellationToken.None);

        // On its own thread: the in-process agent needs the thread pool while this one blocks.
        var digest = SHA384.HashData("keylessgeo"u8);
        byte[]? signature = null;
        Exception? failure = null;
        var signer = new Thread(() =>
        {
            try
            {
                signature = ecdsa.SignHash(digest);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        signer.Start();
        Assert.True(signer.Join(TimeSpan.FromMinutes(1)), "the signature did not finish");
        Assert.Null(failure);

        Assert.Equal(384, ecdsa.KeySize);
        Assert.True(ecPublic.VerifyHash(digest, signature!));
        Assert.Equal(before + 1, await Stack.KeyserverOperationsAsync("OPERATION_ECDSA_SHA384", CancellationToken.None));
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}

using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Interop.Tests;

/// <summary>
/// One operation the Python client asks for: a signature checked with <c>openssl pkeyutl -verify</c>
/// and <see cref="VerifyOptions"/>, or a decryption that must give back <see cref="Plaintext"/>.
/// </summary>
public sealed record InteropCase(string Key, Operation Operation, byte[] Payload, string[] VerifyOptions, byte[]? Plaintext);

using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>
/// Reads a key import or rotation body — <c>{"keyId", "policy", "privateKey", "passphrase",
/// "certificate", "hostNames"}</c> — so that the private key and passphrase only ever sit in
/// pinned buffers that are zeroed: the body bytes, the unescaped text, the <see cref="KeyMaterial"/>.
/// Errors name fields, never values.
/// </summary>
internal static class KeyRequestReader
{
    /// <summary>The largest body accepted (an RSA-4096 key with a certificate chain fits many times over).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static async Task<KeyRequestFields> ReadAsync(HttpContext context, bool withIds)
    {
        var (body, length) = await ReadBodyAsync(context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        try
        {
            return Parse(body.AsSpan(0, length), withIds);
        }
        catch (JsonException ex)
        {
            throw RequestBody.Malformed(ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }

    private static KeyRequestFields Parse(ReadOnlySpan<byte> body, bool withIds)
    {
        var reader = new Utf8JsonReader(body, Options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Syntax("(body)", "the request body must be a JSON object");
        }

        string? keyId = null, policy = null, certificate = null;
        char[]? pem = null, passphrase = null;
        var hostNames = ImmutableArray<string>.Empty;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "keyId" when withIds:
                        keyId = String(ref reader, name);
                        break;
                    case "policy" when withIds:
                        policy = String(ref reader, name);
                        break;
                    case "certificate":
                        certificate = reader.TokenType == JsonTokenType.Null ? null : String(ref reader, name);
                        break;
                    case "hostNames":
                        hostNames = Strings(ref reader, name);
                        break;
                    case "privateKey":
                        Zero(pem);
                        pem = Secret(ref reader, name);
                        break;
                    case "passphrase":
                        Zero(passphrase);
                        passphrase = reader.TokenType == JsonTokenType.Null ? null : Secret(ref reader, name);
                        break;
                    default:
                        throw Syntax("$." + name, $"unknown field '{name}'; expected {(withIds ? "keyId, policy, " : "")}privateKey, passphrase, certificate, hostNames");
                }
            }

            if (pem is null)
            {
                throw Syntax("privateKey", "privateKey is required: the private key PEM (PKCS#1, PKCS#8, SEC1 or encrypted PKCS#8)");
            }

            var material = passphrase is null ? KeyMaterial.FromPem(pem) : KeyMaterial.FromPem(pem, passphrase);
            return new KeyRequestFields { KeyId = keyId, Policy = policy, Certificate = certificate, HostNames = hostNames, PrivateKey = material };
        }
        finally
        {
            Zero(pem);
            Zero(passphrase);
        }
    }

    private static string String(ref Utf8JsonReader reader, string name) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Syntax(name, $"{name} must be a string");

    private static ImmutableArray<string> Strings(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Syntax(name, $"{name} must be an array of strings");
        }

        var items = ImmutableArray.CreateBuilder<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(String(ref reader, name));
        }

        return items.ToImmutable();
    }

    /// <summary>The unescaped string in a pinned buffer of exactly its length.</summary>
    private static char[] Secret(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Syntax(name, $"{name} must be a string");
        }

        var scratch = GC.AllocateUninitializedArray<char>(reader.ValueSpan.Length, pinned: true);
        try
        {
            var written = reader.CopyString(scratch);
            var exact = GC.AllocateUninitializedArray<char>(written, pinned: true);
            scratch.AsSpan(0, written).CopyTo(exact);
            return exact;
        }
        finally
        {
            Zero(scratch);
        }
    }

    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(16 * 1024, pinned: true);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length >= MaxBodyBytes)
                {
                    CryptographicOperations.ZeroMemory(buffer);
                    throw Syntax("(body)", $"the request body is larger than {MaxBodyBytes} bytes");
                }

                var larger = GC.AllocateUninitializedArray<byte>(buffer.Length * 2, pinned: true);
                buffer.CopyTo(larger, 0);
                CryptographicOperations.ZeroMemory(buffer);
                buffer = larger;
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (buffer, length);
            }

            length += read;
        }
    }

    private static void Zero(char[]? buffer)
    {
        if (buffer is not null)
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(buffer.AsSpan()));
        }
    }

    private static ControlPlaneException Syntax(string field, string message) => ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, field, message);
}

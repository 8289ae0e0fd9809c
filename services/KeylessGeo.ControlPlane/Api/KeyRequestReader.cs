using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.Placement.Secrets;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>
/// Reads a key import or rotation body — <c>{"keyId", "policy", "privateKey", "passphrase",
/// "certificate", "hostNames"}</c> — so that the private key and passphrase only ever sit in
/// pinned buffers that are zeroed: the body bytes (<see cref="SecretBodyReader"/>, which also zeroes
/// the server's body buffers), the unescaped text (<see cref="JsonSecretText"/>), the
/// <see cref="KeyMaterial"/>. Errors name fields, never values.
/// </summary>
internal static class KeyRequestReader
{
    /// <summary>The largest body accepted (an RSA-4096 key with a certificate chain fits many times over).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static async Task<KeyRequestFields> ReadAsync(HttpContext context, bool withIds)
    {
        var (body, length) = await SecretBodyReader.ReadAsync(context, MaxBodyBytes).ConfigureAwait(false);
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

        // The body is one contiguous buffer, so the value is a slice of it, never a sequence.
        return JsonSecretText.Unescape(reader.ValueSpan);
    }

    private static void Zero(char[]? buffer) => SecretBuffers.Zero(buffer);

    private static ControlPlaneException Syntax(string field, string message) => ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, field, message);
}

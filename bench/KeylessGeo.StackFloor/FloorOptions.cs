namespace KeylessGeo.StackFloor;

/// <summary>The command line of the server (see <see cref="Usage"/>); every problem is reported at once.</summary>
internal sealed record FloorOptions
{
    /// <summary>What the program prints for a bad command line.</summary>
    public const string Usage =
        "usage: KeylessGeo.StackFloor --stack socket|kestrel|grpc --port PORT --cert server.crt --key server.key --ca ca.crt " +
        "--sign-key KEY.key [--sign-key KEY.key ...]\n" +
        "       KeylessGeo.StackFloor --check-grpc https://localhost:PORT --ca ca.crt --cert client.crt --key client.key --sign-key KEY.key [...]";

    public FloorStack Stack { get; init; }

    public int Port { get; init; }

    public string Certificate { get; init; } = "";

    public string Key { get; init; } = "";

    public string Ca { get; init; } = "";

    /// <summary>PEM private keys to sign with; each needs a certificate beside it (<c>NAME.crt</c> for <c>NAME.key</c>) in check mode only.</summary>
    public IReadOnlyList<string> SignKeys { get; init; } = [];

    /// <summary>Set in check mode: the gRPC address to check instead of serving.</summary>
    public Uri? CheckGrpc { get; init; }

    /// <summary>Parses <paramref name="args"/>; <paramref name="errors"/> holds every problem found.</summary>
    public static FloorOptions Parse(string[] args, out List<string> errors)
    {
        errors = [];
        string? stack = null, port = null, certificate = null, key = null, ca = null, check = null;
        var signKeys = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
            {
                errors.Add($"{args[i]} needs a value");
                break;
            }

            var value = args[++i];
            switch (args[i - 1])
            {
                case "--stack": stack = value; break;
                case "--port": port = value; break;
                case "--cert": certificate = value; break;
                case "--key": key = value; break;
                case "--ca": ca = value; break;
                case "--sign-key": signKeys.Add(value); break;
                case "--check-grpc": check = value; break;
                default: errors.Add($"unknown option {args[i - 1]}"); break;
            }
        }

        var options = new FloorOptions { Certificate = certificate ?? "", Key = key ?? "", Ca = ca ?? "", SignKeys = signKeys };
        if (check is not null)
        {
            options = options with { CheckGrpc = Uri.TryCreate(check, UriKind.Absolute, out var uri) && uri.Scheme == "https" ? uri : null };
            if (options.CheckGrpc is null)
            {
                errors.Add($"--check-grpc must be an https:// address, got '{check}'");
            }
        }
        else
        {
            if (!Enum.TryParse<FloorStack>(stack, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                errors.Add($"--stack must be socket, kestrel or grpc, got '{stack}'");
            }

            if (!int.TryParse(port, out var number) || number is < 0 or > 65535)
            {
                errors.Add($"--port must be 0..65535, got '{port}'");
            }

            options = options with { Stack = parsed, Port = number };
        }

        foreach (var (name, value) in new[] { ("--cert", certificate), ("--key", key), ("--ca", ca) })
        {
            if (string.IsNullOrEmpty(value))
            {
                errors.Add($"{name} is required");
            }
            else if (!File.Exists(value))
            {
                errors.Add($"{name} '{value}' does not exist");
            }
        }

        if (signKeys.Count == 0)
        {
            errors.Add("give at least one --sign-key");
        }

        errors.AddRange(signKeys.Where(path => !File.Exists(path)).Select(path => $"--sign-key '{path}' does not exist"));
        return options;
    }
}

using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary><c>--text TEXT</c> or <c>--file FILE</c> (the text form, or the JSON form when the file is <c>.json</c> or starts with <c>{</c>).</summary>
public sealed class PolicyInputOptions
{
    public Option<string?> Text { get; } = new("--text") { Description = "The policy, e.g. 'region: EU and not country: FR'." };

    public Option<FileInfo?> File { get; } = new("--file") { Description = "A file with the policy text, or its JSON form (.json)." };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Text);
        command.Options.Add(File);
    }

    /// <summary>Adds <c>text</c> or <c>json</c> to <paramref name="body"/>.</summary>
    public async Task AddToBodyAsync(ParseResult parse, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(body);
        var text = parse.GetValue(Text);
        var file = parse.GetValue(File);
        if ((text is null) == (file is null))
        {
            throw new CliUsageException("give the policy with exactly one of --text TEXT or --file FILE");
        }

        if (text is not null)
        {
            body["text"] = text;
            return;
        }

        var content = await ControlPlaneAction.ReadFileAsync(file!, "the policy file", cancellationToken);
        if (!file!.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase) && !content.TrimStart().StartsWith('{'))
        {
            body["text"] = content;
            return;
        }

        try
        {
            body["json"] = JsonNode.Parse(content, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new CliUsageException($"'{file.FullName}' is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1})", ex);
        }
    }
}

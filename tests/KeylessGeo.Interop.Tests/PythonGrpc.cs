using KeylessGeo.Testing;

namespace KeylessGeo.Interop.Tests;

/// <summary>Debian's Python grpcio: generates the stubs and locates the scripts of this suite.</summary>
internal static class PythonGrpc
{
    /// <summary>The system interpreter that has python3-grpcio (not a virtualenv on PATH).</summary>
    public const string Python = "/usr/bin/python3";

    public static string ScriptPath(string name) => Path.Combine(AppContext.BaseDirectory, "python", name);

    /// <summary>Generates the keyserver stubs into <paramref name="directory"/>.</summary>
    public static async Task GenerateStubsAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var protoRoot = Path.Combine(AppContext.BaseDirectory, "Protos");
        var result = await ExternalProcess.RunAsync(
            "protoc",
            [
                "-I", protoRoot,
                "--python_out=" + directory,
                "--grpc_python_out=" + directory,
                "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin",
                "keylessgeo/v1/keyserver.proto",
            ],
            TimeSpan.FromSeconds(60));
        result.EnsureSuccess("protoc");
    }
}

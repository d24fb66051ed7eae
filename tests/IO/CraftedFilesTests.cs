using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Diffusion.IO;
using Diffusion.Models;
using Diffusion.Pretrained;
using Diffusion.Tests.Support;
using Diffusion.Tests.Training;
using Diffusion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.IO;

/// <summary>
/// Bad input: a corpus of crafted safetensors files and model cards. Every one must give an <see cref="InvalidDataException"/>
/// (or, for a missing file, <see cref="FileNotFoundException"/>) whose message names the file and the problem, within a
/// few seconds: never a native crash, a hang, a tensor of garbage or a network of billions of parameters.
/// </summary>
public class CraftedFilesTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>A safetensors file from a header (JSON text or raw bytes) and <paramref name="data"/> zero bytes of data.</summary>
    private static byte[] File(byte[] header, int data, ulong? declaredLength = null)
    {
        var bytes = new byte[8 + header.Length + data];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private static byte[] File(string header, int data, ulong? declaredLength = null) => File(Encoding.UTF8.GetBytes(header), data, declaredLength);

    /// <summary>The crafted safetensors files: name, bytes, a fragment the error must contain.</summary>
    private static readonly Dictionary<string, (byte[] Bytes, string Problem)> SafetensorsCorpus = new()
    {
        ["empty"] = ([], "fewer than the 8-byte header length"),
        ["five-bytes"] = ([1, 2, 3, 4, 5], "fewer than the 8-byte header length"),
        ["header-length-past-end"] = (File("{}", 0, declaredLength: 4096), "runs past the end of the file"),
        ["header-length-2^63"] = (File("{}", 0, declaredLength: 1UL << 63), "runs past the end of the file"),
        ["header-length-max"] = (File("{}", 0, declaredLength: ulong.MaxValue), "runs past the end of the file"),
        ["header-length-zero"] = (File("", 16), "too short for a JSON object"),
        ["header-not-json"] = (File("hello, world", 0), "not valid JSON"),
        ["header-truncated-json"] = (File("{\"w\": {\"dtype\": \"F32\", \"sha", 0), "not valid JSON"),
        ["header-non-utf8"] = (File([(byte)'{', (byte)'"', 0xff, 0xfe, 0x80, (byte)'"', (byte)':', (byte)'{', (byte)'}', (byte)'}'], 0), "not UTF-8 text"),
        ["header-overlong-utf8"] = (File([(byte)'{', (byte)'"', 0xc0, 0xaf, (byte)'"', (byte)':', (byte)'1', (byte)'}'], 0), "not UTF-8 text"),
        ["header-latin1-key"] = (File([(byte)'{', (byte)'"', (byte)'w', 0xe9, (byte)'"', (byte)':', (byte)'{', (byte)'}', (byte)'}'], 0), "not UTF-8 text"),
        ["header-array"] = (File("[1, 2, 3]", 0), "must be a JSON object"),
        ["header-deep-nesting"] = (File("{\"a\":" + new string('[', 64) + new string(']', 64) + "}", 0), "not valid JSON"),
        ["entry-not-object"] = (File("{\"w\": 5}", 0), "tensor 'w': its header entry must be an object"),
        ["dtype-missing"] = (File("{\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", 4), "tensor 'w': missing string 'dtype'"),
        ["dtype-number"] = (File("{\"w\": {\"dtype\": 32, \"shape\": [1], \"data_offsets\": [0, 4]}}", 4), "tensor 'w': missing string 'dtype'"),
        ["dtype-unknown"] = (File("{\"w\": {\"dtype\": \"F8_E4M3\", \"shape\": [1], \"data_offsets\": [0, 1]}}", 1), "unknown or unsupported dtype 'F8_E4M3'"),
        ["dtype-lowercase"] = (File("{\"w\": {\"dtype\": \"f32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4), "unknown or unsupported dtype 'f32'"),
        ["dtype-wrong-size"] = (File("{\"w\": {\"dtype\": \"F64\", \"shape\": [3], \"data_offsets\": [0, 12]}}", 12), "needs 24 bytes but data_offsets [0, 12] hold 12"),
        ["shape-missing"] = (File("{\"w\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", 4), "missing array 'shape'"),
        ["shape-negative"] = (File("{\"w\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", 4), "'shape' must hold non-negative integers, found -1"),
        ["shape-fraction"] = (File("{\"w\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", 4), "'shape' must hold non-negative integers, found 1.5"),
        ["shape-string"] = (File("{\"w\": {\"dtype\": \"F32\", \"shape\": [\"4\"], \"data_offsets\": [0, 16]}}", 16), "'shape' must hold non-negative integers"),
        ["shape-beyond-int64"] = (File("{\"w\": {\"dtype\": \"F32\", \"shape\": [99999999999999999999], \"data_offsets\": [0, 4]}}", 4), "'shape' must hold non-negative integers"),
        ["shape-huge-overflow"] = (File("{\"w\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296, 4294967296], \"data_offsets\": [0, 4]}}", 4), "is too large"),
        ["shape-huge-product"] = (File("{\"w\": {\"dtype\": \"F32\", \"shape\": [1048576, 1048576], \"data_offsets\": [0, 4]}}", 4), "needs 4398046511104 bytes"),
        ["offsets-missing"] = (File("{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", 4), "missing array 'data_offsets'"),
        ["offsets-three"] = (File("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4, 8]}}", 8), "must hold 2 numbers, not 3"),
        ["offsets-reversed"] = (File("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}", 4), "lie outside the data section"),
        ["offsets-past-end"] = (File("{\"w\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", 8), "data_offsets [0, 16] lie outside the data section of 8 bytes"),
        ["offsets-far-past-end"] = (File("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [9223372036854775800, 9223372036854775804]}}", 4), "lie outside the data section"),
        ["offsets-overlap"] = (File("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12), "overlaps tensor"),
        ["offsets-same-bytes"] = (File("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4), "overlaps tensor"),
        ["duplicate-key"] = (File("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8), "lists 'w' twice"),
        ["metadata-not-object"] = (File("{\"__metadata__\": [\"format\"]}", 0), "'__metadata__' must be an object of strings"),
        ["metadata-number"] = (File("{\"__metadata__\": {\"step\": 12}}", 0), "metadata 'step' must be a string"),
        ["metadata-as-tensor"] = (File("{\"__metadata__\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4), "metadata 'shape' must be a string"),
    };

    public static TheoryData<string> SafetensorsCases => new(SafetensorsCorpus.Keys);

    /// <summary>Runs <paramref name="load"/> on another thread; fails if it takes longer than <see cref="Limit"/> (a hang).</summary>
    private static Exception Failure(Action load)
    {
        var task = Task.Run(() =>
        {
            try
            {
                load();
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        });
        Assert.True(task.Wait(Limit), $"still loading after {Limit.TotalSeconds} s");
        return task.Result ?? throw new Xunit.Sdk.XunitException("the crafted file loaded without an error");
    }

    private static void AssertClear(Exception e, string path, string problem)
    {
        Assert.True(e is InvalidDataException, $"{e.GetType().Name}: {e.Message}");
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SafetensorsCases))]
    public void CraftedSafetensors_GiveAClearErrorNamingTheFile(string name)
    {
        using var folder = new TempFolder();
        var (bytes, problem) = SafetensorsCorpus[name];
        string path = Path.Combine(folder.Path, name + ".safetensors");
        System.IO.File.WriteAllBytes(path, bytes);
        AssertClear(Failure(() => Safetensors.ReadHeader(path)), path, problem);
        AssertClear(Failure(() => Safetensors.Load(path).Values.ToList().ForEach(t => t.Dispose())), path, problem);
        AssertClear(Failure(() => Checkpoint.LoadWeights(path, new TinyNet(1))), path, problem);
    }

    // Files that parse but do not fit the model they are loaded into.

    private static string Weights(TempFolder folder, string name, IReadOnlyDictionary<string, Tensor> tensors)
    {
        string path = Path.Combine(folder.Path, name + ".safetensors");
        Safetensors.Save(path, tensors);
        return path;
    }

    private static Dictionary<string, Tensor> TinyNetWeights(Func<string, Tensor, Tensor>? change = null)
    {
        using var model = new TinyNet(1);
        return model.state_dict().ToDictionary(p => p.Key, p => (change?.Invoke(p.Key, p.Value) ?? p.Value).clone());
    }

    public static TheoryData<string> MisfitCases => new()
    {
        "integer-weights", "boolean-weights", "wrong-shape", "huge-empty-shape", "rank-200", "missing-tensor", "unexpected-tensor", "no-tensors",
    };

    [Theory]
    [MemberData(nameof(MisfitCases))]
    public void WeightsThatDoNotFitTheModel_GiveAClearErrorNamingTheFileAndTheTensor(string name)
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        var (tensors, problem) = name switch
        {
            "integer-weights" => (TinyNetWeights((k, t) => k == "net.0.weight" ? t.to(ScalarType.Int64) : t), "dtype mismatch for net.0.weight"),
            "boolean-weights" => (TinyNetWeights((k, t) => k == "net.2.bias" || k == "net.3.bias" ? t.gt(0) : t), "dtype mismatch for net.3.bias"),
            "rank-200" => (TinyNetWeights((k, t) => k == "net.0.weight" ? ones(Enumerable.Repeat(1L, 200).ToArray()) : t), "shape mismatch for net.0.weight"),
            "wrong-shape" => (TinyNetWeights((k, t) => k == "net.0.weight" ? zeros(16, 5) : t), "shape mismatch for net.0.weight"),
            "huge-empty-shape" => (TinyNetWeights((k, t) => k == "net.0.weight" ? zeros(0, 1L << 40) : t), "shape mismatch for net.0.weight"),
            "missing-tensor" => (TinyNetWeights().Where(p => p.Key != "net.3.bias").ToDictionary(), "net.3.bias"),
            "unexpected-tensor" => (TinyNetWeights().Append(new("net.9.weight", zeros(2))).ToDictionary(), "net.9.weight"),
            _ => (new Dictionary<string, Tensor>(), "no"),
        };
        string path = Weights(folder, name, tensors);
        AssertClear(Failure(() => Checkpoint.LoadWeights(path, new TinyNet(2))), path, problem);
    }

    // Model cards, loaded as the sampling command and the notebooks load a model folder (TrainedModel.Load, the one loader).

    private static readonly UNetConfig TinyUNet = new() { ImageChannels = 1, ImageSize = 8, BaseChannels = 8, ChannelMultipliers = [1, 2], ResBlocksPerLevel = 1, AttentionResolutions = [], Dropout = 0 };

    /// <summary>The crafted cards: name, the card's text (from the valid one), a fragment the error must contain.</summary>
    private static (string Text, string Problem) Card(string name, JsonObject valid)
    {
        JsonObject With(Action<JsonObject> edit)
        {
            var card = (JsonObject)valid.DeepClone();
            edit(card);
            return card;
        }
        return name switch
        {
            "empty" => ("", "not a valid model card"),
            "not-json" => ("architecture: UNet", "not a valid model card"),
            "null" => ("null", "the card is null"),
            "array" => ("[1, 2]", "not a valid model card"),
            "non-utf8" => ("", "not UTF-8"),
            "architecture-missing" => (With(c => c.Remove("architecture")).ToJsonString(), "no 'architecture'"),
            "architecture-unknown" => (With(c => c["architecture"] = "Transformer").ToJsonString(), "a Transformer trained for a ddpm process is not a model this library loads"),
            "architecture-number" => (With(c => c["architecture"] = 7).ToJsonString(), "$.architecture"),
            "process-unknown" => (With(c => c["process"] = new JsonObject { ["kind"] = "rectified-flow" }).ToJsonString(), "process kind 'rectified-flow'"),
            "process-prose-unknown" => (With(c => c["process"] = "rectified flow, velocity prediction").ToJsonString(), "none of the forms old cards used"),
            "degradation-unknown" => (With(c => c["process"] = JsonNode.Parse("""{"kind": "cold", "degradation": {"kind": "swirl", "T": 10}, "dataRange": [-1, 1]}""")).ToJsonString(), "swirl"),
            "config-missing" => (With(c => c.Remove("architectureConfig")).ToJsonString(), "no 'architectureConfig'"),
            "config-number" => (With(c => c["architectureConfig"] = 5).ToJsonString(), "'architectureConfig' is not a valid UNetConfig"),
            "config-field-string" => (With(c => c["architectureConfig"]!["image_size"] = "8").ToJsonString(), "'architectureConfig' is not a valid UNetConfig"),
            "config-field-negative" => (With(c => c["architectureConfig"]!["base_channels"] = -8).ToJsonString(), "BaseChannels must be positive"),
            "config-huge" => (With(c => c["architectureConfig"]!["base_channels"] = 1 << 20).ToJsonString(), "the card does not belong to these weights"),
            "config-other-model" => (With(c => c["architectureConfig"]!["channel_multipliers"] = new JsonArray(1, 2, 4, 8)).ToJsonString(), "the card does not belong to these weights"),
            "steps-string" => (With(c => c["steps"] = "many").ToJsonString(), "$.steps"),
            "metrics-array" => (With(c => c["metrics"] = new JsonArray(1)).ToJsonString(), "$.metrics"),
            _ => throw new ArgumentException(name),
        };
    }

    public static TheoryData<string> CardCases => new()
    {
        "empty", "not-json", "null", "array", "non-utf8", "architecture-missing", "architecture-unknown", "architecture-number",
        "process-unknown", "process-prose-unknown", "degradation-unknown", "config-missing", "config-number", "config-field-string", "config-field-negative", "config-huge",
        "config-other-model", "steps-string", "metrics-array",
    };

    [Theory]
    [MemberData(nameof(CardCases))]
    public void CraftedModelCards_GiveAClearErrorNamingTheCard(string name)
    {
        using var folder = new TempFolder();
        using (var network = new UNet(TinyUNet))
        {
            Checkpoint.SaveWeights(Path.Combine(folder.Path, Checkpoint.WeightsFileName), network.state_dict());
        }
        var valid = (JsonObject)JsonNode.Parse(ValidCard().ToJson())!;
        var (text, problem) = Card(name, valid);
        string cardPath = Path.Combine(folder.Path, "model.json");
        System.IO.File.WriteAllBytes(cardPath, name == "non-utf8"
            ? [.. Encoding.UTF8.GetBytes("{\"name\": \""), 0xff, 0xfe, .. Encoding.UTF8.GetBytes("\"}")]
            : Encoding.UTF8.GetBytes(text));
        AssertClear(Failure(() => TrainedModel.Load(folder.Path).Dispose()), cardPath, problem);
    }

    /// <summary>The corpus' valid card: a small UNet trained for the DDPM process (format 2, a process section).</summary>
    private static ModelCard ValidCard() => new()
    {
        Name = "ddpm-tiny", Architecture = nameof(UNet), ArchitectureConfig = JsonNode.Parse(TinyUNet.ToJson()),
        Process = JsonNode.Parse("""{"kind": "ddpm", "schedule": "linear", "T": 1000, "betaStart": 0.0001, "betaEnd": 0.02, "prediction": "epsilon", "dataRange": [-1, 1]}"""),
    };

    [Fact]
    public void ValidCard_Loads()
    {
        // The corpus' valid card (every crafted card is one edit of it) loads, so each error above is the edit's.
        using var folder = new TempFolder();
        using (var network = new UNet(TinyUNet))
        {
            Checkpoint.SaveWeights(Path.Combine(folder.Path, Checkpoint.WeightsFileName), network.state_dict());
        }
        ValidCard().Save(Path.Combine(folder.Path, "model.json"));
        TrainedModel.Load(folder.Path).Dispose();
        Assert.True(TinyUNet.MinimumParameters() > 0);
        using var tiny = new UNet(TinyUNet);
        Assert.InRange(TinyUNet.MinimumParameters(), 1, tiny.parameters().Sum(p => p.numel()));
        foreach (var config in new[] { UNetConfig.MnistSmall, UNetConfig.MnistTiny, UNetConfig.Cifar10 })
        {
            using var net = new UNet(config);
            Assert.InRange(config.MinimumParameters(), 1, net.parameters().Sum(p => p.numel()));
        }
        foreach (var config in new[] { NcsnPpConfig.Named("mnist-small"), NcsnPpConfig.Named("tiny") })
        {
            using var net = new NcsnPp(config);
            Assert.InRange(config.MinimumParameters(), 1, net.parameters().Sum(p => p.numel()));
        }
    }
}

using Diffusion.Data;
using Diffusion.IO;
using Diffusion.Tests.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Data;

/// <summary>
/// <see cref="ImageFolderStream"/> decodes only the images of the batch drawn (a folder of FFHQ's size must not be decoded whole
/// into float32 memory), with the same pixels, labels and batches as the in-memory <see cref="ImageFolder"/>.
/// </summary>
public sealed class ImageFolderStreamTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("image-folder-stream-test").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Save(string relative, byte value, int width = 6, int height = 4) =>
        TestImages.Save(TestImages.Grey(width, height, value), Path.Combine(_dir, relative), grey: false);

    [Fact]
    public void Stream_GivesTheSameBatchesAsTheLoadedFolder()
    {
        for (int i = 0; i < 10; i++)
        {
            Save($"{(i % 2 == 0 ? "even" : "odd")}/{i:00}.png", (byte)(20 * i), width: 6 + (i % 3), height: 5);
        }
        using var loaded = ImageFolder.Load(_dir, size: 4, channels: 3);
        var stream = ImageFolderStream.Open(_dir, size: 4, channels: 3);
        Assert.Equal(loaded.Count, stream.Count);
        Assert.Equal(loaded.ClassNames, stream.ClassNames);
        var fromMemory = new DataLoader(loaded, batchSize: 3, seed: 7, randomHorizontalFlip: true, scaleToMinusOneOne: true);
        var fromFiles = new DataLoader(stream, batchSize: 3, seed: 7, randomHorizontalFlip: true, scaleToMinusOneOne: true);
        for (int b = 0; b < 8; b++)   // across an epoch boundary (4 batches per epoch)
        {
            using var scope = NewDisposeScope();
            var expected = fromMemory.NextBatch();
            var actual = fromFiles.NextBatch();
            Assert.Equal(expected.Images.shape, actual.Images.shape);
            Assert.True(expected.Images.eq(actual.Images).all().item<bool>(), $"batch {b} differs");
            Assert.True(expected.Labels!.eq(actual.Labels!).all().item<bool>());
        }
    }

    /// <summary>
    /// Opening lists the files without decoding: a damaged file is found only when its batch is drawn, and with Skip the next
    /// readable file takes its place (the batch keeps its size).
    /// </summary>
    [Fact]
    public void Stream_DecodesOnlyTheBatchDrawn_AndSkipsADamagedFileThere()
    {
        Save("a.png", 10);
        File.WriteAllBytes(Path.Combine(_dir, "b.png"), [0x89, (byte)'P', (byte)'N', (byte)'G']);
        Save("c.png", 30);
        using var readable = ImageFolder.LoadWithReport(_dir, size: 4, channels: 1, badImages: BadImagePolicy.Skip).Dataset;   // a.png, c.png
        var strict = ImageFolderStream.Open(_dir, size: 4, channels: 1);
        Assert.Equal(3, strict.Count);
        using (var scope = NewDisposeScope())
        {
            var (first, _) = strict.Gather([0], device: null);
            Assert.True(first[0].eq(readable.Images[0]).all().item<bool>());
        }
        var e = Assert.Throws<ImageDecodeException>(() => strict.Gather([1], device: null));
        Assert.Contains("b.png", e.Message);

        var lenient = ImageFolderStream.Open(_dir, size: 4, channels: 1, badImages: BadImagePolicy.Skip);
        using (var scope = NewDisposeScope())
        {
            var (batch, labels) = lenient.Gather([1, 0], device: null);
            Assert.Null(labels);
            Assert.Equal(new long[] { 2, 1, 4, 4 }, batch.shape);
            Assert.True(batch[0].eq(readable.Images[1]).all().item<bool>(), "c.png should take b.png's place");
            Assert.True(batch[1].eq(readable.Images[0]).all().item<bool>());
        }
        Assert.Equal(Path.Combine(_dir, "b.png"), Assert.Single(lenient.Skipped).Path);
    }

    [Fact]
    public void Stream_NeedsAChannelCountAndAnExistingFolder()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFolderStream.Open(_dir, size: 4, channels: 2));
        Assert.Throws<DataMissingException>(() => ImageFolderStream.Open(Path.Combine(_dir, "nowhere"), size: 4, channels: 3));
    }
}

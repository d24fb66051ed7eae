using Diffusion.IO;

namespace Diffusion.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("atomic-test").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_LeavesTheOldFileIntactWhenTheWriterThrowsMidway()
    {
        string path = Path.Combine(_dir, "checkpoint.bin");
        File.WriteAllBytes(path, [1, 2, 3]);
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]);
            throw new InvalidOperationException("crash while writing");
        }));
        Assert.Equal("crash while writing", e.Message);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir)); // the temporary file is gone
    }

    [Fact]
    public void Write_ReplacesTheFileWhenTheWriterSucceeds()
    {
        string path = Path.Combine(_dir, "a.txt");
        File.WriteAllText(path, "old contents that are longer");
        AtomicFile.WriteAllBytes(path, "new"u8);
        Assert.Equal("new", File.ReadAllText(path));
        AtomicFile.Write(path, s => s.Write("newer"u8));
        Assert.Equal("newer", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Write_ThrowsForAMissingFolder()
    {
        string path = Path.Combine(_dir, "no", "such", "a.bin");
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllBytes(path, [1]));
    }
}

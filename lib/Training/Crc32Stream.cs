using Diffusion.IO;

namespace Diffusion.Training;

/// <summary>A write-only stream that only computes the CRC-32 of what is written to it.</summary>
internal sealed class Crc32Stream : Stream
{
    private uint _register = Crc32.Start;

    /// <summary>The CRC-32 of everything written so far.</summary>
    public uint Value => Crc32.Finish(_register);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Position;

    public override long Position { get; set; }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _register = Crc32.Update(_register, buffer);
        Position += buffer.Length;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

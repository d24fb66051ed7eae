namespace Diffusion.IO;

/// <summary>
/// Bounds that every image file is checked against before it is decoded, so that a truncated, corrupt or crafted file
/// (a header claiming 100000 × 100000 pixels, a GIF of a million frames) fails with a named error instead of
/// allocating gigabytes or running for minutes.
/// </summary>
/// <remarks>
/// The header is read first (ImageSharp's <c>Identify</c>) and the image is decoded only when its width and height are at
/// most <see cref="MaxSide"/> and width × height is at most <see cref="MaxPixels"/>; files above
/// <see cref="MaxFileBytes"/> are not read at all. ImageSharp's own allocator is capped at
/// <see cref="AllocationLimitMegabytes"/> per buffer as a second line, and animated GIFs are decoded to their first frame.
/// The defaults admit any photograph a course would train on (up to 16384 px a side, 100 megapixels).
/// </remarks>
public sealed record ImageLimits
{
    /// <summary>The limits used when none are given.</summary>
    public static ImageLimits Default { get; } = new();

    /// <summary>Largest file read, in bytes (default 256 MiB).</summary>
    public long MaxFileBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest width or height, in pixels (default 16384).</summary>
    public int MaxSide { get; init; } = 16_384;

    /// <summary>Largest width × height (default 100 megapixels, 300 MB as RGB).</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>ImageSharp's cap on one pixel buffer, in megabytes (default 1024).</summary>
    public int AllocationLimitMegabytes { get; init; } = 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a limit that is not positive.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFileBytes, 1, nameof(MaxFileBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSide, 1, nameof(MaxSide));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPixels, 1, nameof(MaxPixels));
        ArgumentOutOfRangeException.ThrowIfLessThan(AllocationLimitMegabytes, 1, nameof(AllocationLimitMegabytes));
    }
}

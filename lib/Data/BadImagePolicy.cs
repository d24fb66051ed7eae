namespace Diffusion.Data;

/// <summary>What an image folder does with a file that cannot be read (truncated, corrupt, crafted, beyond the limits).</summary>
public enum BadImagePolicy
{
    /// <summary>Stop with an <see cref="Diffusion.IO.ImageDecodeException"/> that names the file (the default).</summary>
    Throw,

    /// <summary>Leave the file out and report it in <see cref="ImageFolderResult.Skipped"/>.</summary>
    Skip,
}

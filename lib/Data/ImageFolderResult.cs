namespace Diffusion.Data;

/// <summary>An image folder that was loaded, with the files left out under <see cref="BadImagePolicy.Skip"/>.</summary>
/// <param name="Dataset">The images that were read (the caller disposes it).</param>
/// <param name="Skipped">Each unreadable file with the reason, in path order (empty when every file was read).</param>
public sealed record ImageFolderResult(ImageDataset Dataset, IReadOnlyList<SkippedImage> Skipped);

/// <summary>A file an image folder left out.</summary>
/// <param name="Path">The file's full path.</param>
/// <param name="Reason">Why it could not be read.</param>
public sealed record SkippedImage(string Path, string Reason);

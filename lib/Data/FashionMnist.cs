namespace Diffusion.Data;

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017): 28×28 grey images of clothing as float32 [N, 1, 28, 28] in [0, 1] with int64
/// labels 0–9, 60,000 for training and 10,000 for testing, read from the IDX files that Debian's package
/// <c>dataset-fashion-mnist</c> installs in <see cref="DefaultFolder"/>.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> puts the files.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The environment variable that names another folder holding the IDX files.</summary>
    public const string FolderVariable = "DIFFUSION_FASHION_MNIST";

    /// <summary>The class names, in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The training (60,000) or test (10,000) set, in the files' order.</summary>
    /// <param name="train">True for the training set, false for the test set.</param>
    /// <param name="folder">The folder of the IDX files; null means <c>$DIFFUSION_FASHION_MNIST</c>, else <see cref="DefaultFolder"/>.</param>
    /// <exception cref="DataMissingException">The files are missing; the message says how to install them.</exception>
    public static ImageDataset Load(bool train = true, string? folder = null)
    {
        folder ??= Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } fromEnv ? fromEnv : DefaultFolder;
        return IdxImages.Load("Fashion-MNIST", folder, train, ClassNames,
            "sudo apt-get install dataset-fashion-mnist (or run environment/setup.sh, which installs it), or set " + FolderVariable + " to a folder with the IDX files");
    }
}

namespace Diffusion.Data;

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017): 28×28 grey images of clothing as float32 [N, 1, 28, 28] in [0, 1] with int64
/// labels 0–9, 60,000 for training and 10,000 for testing, read from its four IDX files: those a user downloaded and pointed
/// the course at (<c>setup --fashion-mnist FOLDER</c>), or those Debian's package <c>dataset-fashion-mnist</c> installs in
/// <see cref="DefaultFolder"/>.
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
    /// <param name="folder">The folder of the IDX files; null means <c>$DIFFUSION_FASHION_MNIST</c>, else the folder recorded by
    /// <c>setup --fashion-mnist</c> (<see cref="DataFolders"/>), else <see cref="DefaultFolder"/>.</param>
    /// <exception cref="DataMissingException">The files are missing; the message says how to get them.</exception>
    public static ImageDataset Load(bool train = true, string? folder = null) =>
        IdxImages.Load("Fashion-MNIST", folder ?? Folder(), train, ClassNames, HowToGet);

    /// <summary>Where <see cref="Load"/> looks when given no folder.</summary>
    public static string Folder() =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } fromEnv ? fromEnv
        : DataFolders.Get(DataFolders.FashionMnistKey) ?? DefaultFolder;

    /// <summary>What a user does to get Fashion-MNIST.</summary>
    public const string HowToGet =
        "download its four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) " +
        "from the Fashion-MNIST repository (github.com/zalandoresearch/fashion-mnist, folder data/fashion) into a folder and run " +
        "`dotnet run --project environment/cli -- setup --fashion-mnist FOLDER`; on Debian or Ubuntu `apt install dataset-fashion-mnist` " +
        "puts them in " + DefaultFolder + ", which is found by itself; or set " + FolderVariable + " to the folder";
}

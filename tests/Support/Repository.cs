namespace Diffusion.Tests.Support;

/// <summary>Paths inside the repository, found from the test assembly's folder.</summary>
public static class Repository
{
    /// <summary>The folder holding Diffusion.Lib.csproj.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Diffusion.Lib.csproj")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("no Diffusion.Lib.csproj above the test assembly");
    }

    /// <summary>The shipped MNIST feature network behind FID.</summary>
    public static string FidNetwork => Path.Combine(Root(), "data", "checkpoints", "mnist-fid-classifier.safetensors");
}

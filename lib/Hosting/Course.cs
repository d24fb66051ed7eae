using System.Collections;
using System.Runtime.CompilerServices;
using Diffusion.Engine;
using TorchSharp;

namespace Diffusion.Hosting;

/// <summary>
/// The opening and the closing of a course notebook, one call each, so that a notebook starts with what it teaches:
/// <code>
/// var course = Course.Start();            // engine, threads, seed 0, profile; remembers the live tensors
/// …
/// course.End(model, data, samples);       // disposes them and checks that the notebook holds no tensor any more
/// </code>
/// </summary>
public sealed class Course
{
    private readonly long _tensorsAtStart;

    private Course(long tensorsAtStart) => _tensorsAtStart = tensorsAtStart;

    /// <summary>
    /// Loads TorchSharp's engine (LibTorch) with <paramref name="threads"/> threads (<c>DIFFUSION_THREADS</c> overrides it: set it to 1
    /// on a busy machine), seeds the global generator with <paramref name="seed"/>, prints the engine and the profile
    /// (<see cref="CourseProfile"/>) and counts the tensors alive now, so that <see cref="End(object?[])"/> can tell what the notebook left behind.
    /// </summary>
    /// <param name="threads">LibTorch's threads (null: every core).</param>
    /// <param name="seed">The seed of <c>torch.manual_seed</c>.</param>
    public static Course Start(int? threads = null, long seed = 0)
    {
        Console.WriteLine(TorchEngine.Initialize(CourseProfile.Threads(threads ?? Environment.ProcessorCount)));
        torch.manual_seed(seed);
        Console.WriteLine($"profile: {CourseProfile.Name}");
        return new Course(TensorAccounting.Reachable());
    }

    /// <summary>The live tensors counted by <see cref="Start"/>.</summary>
    public long TensorsAtStart => _tensorsAtStart;

    /// <summary>
    /// Disposes everything in <paramref name="owned"/> (tensors, models, generators, data sets: anything disposable; the items of
    /// lists, arrays and tuples and the values of dictionaries, recursively), then counts the tensors still reachable and throws
    /// when the notebook holds any: a <c>Dispose</c> is missing above. Prints the count either way.
    /// </summary>
    public void End(params object?[] owned) => End(0, owned);

    /// <summary>
    /// <see cref="End(object?[])"/> allowing <paramref name="surplus"/> counted tensors that hold no native memory (TorchSharp 0.107
    /// counts one too many for every <c>Parameter</c> made from a tensor, see <see cref="TensorAccounting"/>: an optimiser over a
    /// plain tensor, such as Adam-TV's image, leaves one per solve).
    /// </summary>
    public void End(long surplus, params object?[] owned)
    {
        ArgumentNullException.ThrowIfNull(owned);
        foreach (var item in owned)
        {
            Dispose(item);
        }
        long held = TensorAccounting.Reachable() - _tensorsAtStart;
        Console.WriteLine(surplus == 0
            ? $"live tensors at the end: {held} still held"
            : $"live tensors at the end: {held} counted, of which TorchSharp's surplus for parameters made from tensors: {surplus}");
        if (held != surplus)
        {
            throw new InvalidOperationException($"{held - surplus} tensors are still held: a Dispose is missing above (or pass the object to End)");
        }
    }

    private static void Dispose(object? item)
    {
        switch (item)
        {
            case null or string:
                return;
            case IDisposable disposable:
                disposable.Dispose();
                return;
            case IDictionary dictionary:
                foreach (var value in dictionary.Values)
                {
                    Dispose(value);
                }
                return;
            case IEnumerable items:
                foreach (var value in items)
                {
                    Dispose(value);
                }
                return;
            case ITuple tuple:
                for (int i = 0; i < tuple.Length; i++)
                {
                    Dispose(tuple[i]);
                }
                return;
        }
    }
}

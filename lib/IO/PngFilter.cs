namespace Diffusion.IO;

/// <summary>How the encoder filters rows before compressing them.</summary>
public enum PngFilter
{
    /// <summary>Per row, the filter whose output has the smallest sum of absolute (signed) values: the heuristic libpng recommends.</summary>
    Adaptive = -1,

    /// <summary>Every row unfiltered.</summary>
    None = 0,

    /// <summary>Every row minus its left neighbour.</summary>
    Sub = 1,

    /// <summary>Every row minus the row above.</summary>
    Up = 2,

    /// <summary>Every row minus the mean of left and above.</summary>
    Average = 3,

    /// <summary>Every row minus the Paeth predictor.</summary>
    Paeth = 4,
}

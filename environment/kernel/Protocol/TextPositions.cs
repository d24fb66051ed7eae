namespace Diffusion.Kernel.Protocol;

/// <summary>Jupyter counts cursor positions in Unicode code points; .NET strings in UTF-16 units.</summary>
internal static class TextPositions
{
    /// <summary>The UTF-16 index of the code point at <paramref name="codePoints"/>.</summary>
    public static int ToUtf16(string text, int codePoints)
    {
        var index = 0;
        for (var n = 0; n < codePoints && index < text.Length; n++)
        {
            index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
        }
        return index;
    }

    /// <summary>The number of code points before the UTF-16 index <paramref name="utf16"/>.</summary>
    public static int ToCodePoints(string text, int utf16)
    {
        var count = 0;
        for (var i = 0; i < utf16 && i < text.Length; i++)
        {
            if (!(char.IsLowSurrogate(text[i]) && i > 0 && char.IsHighSurrogate(text[i - 1])))
            {
                count++;
            }
        }
        return count;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Diffusion.Kernel.Protocol;

/// <summary>
/// HMAC-SHA256 signatures of Jupyter messages: the lowercase hex digest of header, parent_header,
/// metadata and content (in that order, as sent). An empty key disables signing.
/// </summary>
internal sealed class MessageSigner
{
    private readonly byte[] _key;

    /// <summary>Creates a signer for the connection file's key.</summary>
    public MessageSigner(string key)
    {
        _key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>True when messages are signed (the key is not empty).</summary>
    public bool Enabled => _key.Length > 0;

    /// <summary>The hex signature of the four frames; empty when signing is disabled.</summary>
    public string Sign(IEnumerable<byte[]> parts)
    {
        if (!Enabled)
        {
            return "";
        }
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        foreach (var part in parts)
        {
            hmac.AppendData(part);
        }
        return Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>Checks a received signature in constant time; always true when signing is disabled.</summary>
    public bool Verify(string signature, IEnumerable<byte[]> parts)
    {
        if (!Enabled)
        {
            return true;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(parts));
        var actual = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>
/// An authenticator app, written out from RFC 6238 (TOTP: HMAC-SHA1 of the 30-second step number, dynamic truncation
/// per RFC 4226, 6 digits) and RFC 4648 base32, independently of the service's code.
/// </summary>
public static class Totp
{
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>The code for <paramref name="time"/>, or for a step before (negative) or after it.</summary>
    public static string Code(string base32Secret, DateTimeOffset time, int stepOffset = 0)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, time.ToUnixTimeSeconds() / 30 + stepOffset);
        var hash = HMACSHA1.HashData(Base32Decode(base32Secret), counter);
        var offset = hash[^1] & 0x0F;
        var value = (BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset, 4)) & 0x7FFFFFFF) % 1_000_000;
        return value.ToString("D6");
    }

    public static string Now(string base32Secret, int stepOffset = 0) => Code(base32Secret, DateTimeOffset.UtcNow, stepOffset);

    /// <summary>Six digits that are no code of the key in any step the service could accept now.</summary>
    public static string Wrong(string base32Secret)
    {
        var near = Enumerable.Range(-4, 9).Select(step => Now(base32Secret, step)).ToHashSet();
        var candidate = int.Parse(Now(base32Secret));
        while (near.Contains(candidate.ToString("D6"))) candidate = (candidate + 1) % 1_000_000;
        return candidate.ToString("D6");
    }

    public static byte[] Base32Decode(string text)
    {
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.ToUpperInvariant().Where(c => c is not (' ' or '=')))
        {
            var value = Base32Alphabet.IndexOf(c);
            if (value < 0) throw new FormatException($"'{c}' is not a base32 character.");
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits < 8) continue;
            bytes.Add((byte)(buffer >> (bits - 8)));
            bits -= 8;
            buffer &= (1 << bits) - 1;
        }
        return [.. bytes];
    }
}

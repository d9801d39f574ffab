using System.Globalization;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Telehealth.Identity.Keys;

/// <summary>
/// The keys that sign and encrypt tokens, kept as files in one folder (<c>Identity:KeyFolder</c>) so a restart,
/// or a second instance sharing the folder, keeps validating what was issued before.
/// </summary>
/// <remarks>
/// The first start creates them. Whoever creates a file first wins (write to a temporary name, then a move that
/// refuses to overwrite), so two instances starting together still end up with one key.
/// Signing keys rotate (<see cref="RotateSigningKey"/>, or <c>Telehealth.Identity rotate-signing-key</c>): the new key
/// signs from the next start, and the keys it replaced stay published in the JWKS for <c>overlap</c>, so tokens they
/// signed keep validating until they expire; after that they move to <c>retired/</c> and are no longer published.
/// </remarks>
public sealed class TokenKeyFolder
{
    public const string DefaultPath = "data/identity-keys";
    private const string SigningFile = "signing-rsa.pem";
    private const string RotatedPrefix = "signing-rsa-";
    private const string EncryptionFile = "encryption-aes.key";
    private const string Stamp = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>Longer than any access or identity token lives (one hour), with room for clocks and caches.</summary>
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromDays(2);

    public TokenKeyFolder(string path, TimeSpan? overlap = null, TimeProvider? clock = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
        // The first key is created once; after a rotation has retired it, the rotated keys carry on alone.
        if (Directory.GetFiles(Path, RotatedPrefix + "*.pem").Length == 0) CreateIfMissing(SigningFile, NewRsaPem);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var keys = SigningFiles().Select(f => (f.Since, Key: LoadRsa(f.File), f.File)).OrderByDescending(k => k.Since).ToList();
        // The newest key signs; one it replaced stays published while tokens it signed may still be alive.
        var retireBefore = now - (overlap ?? DefaultOverlap);
        var published = new List<RsaSecurityKey> { keys[0].Key };
        for (var i = 1; i < keys.Count; i++)
        {
            if (keys[i - 1].Since >= retireBefore) published.Add(keys[i].Key);
            else Retire(keys[i].File);
        }
        PublishedSigningKeys = published;
        EncryptionKey = LoadEncryptionKey();
    }

    public string Path { get; }

    /// <summary>RSA key that signs identity and access tokens from now on.</summary>
    public RsaSecurityKey SigningKey => PublishedSigningKeys[0];

    /// <summary>The signing key first, then the ones it replaced within the overlap: all on the JWKS endpoint.</summary>
    public IReadOnlyList<RsaSecurityKey> PublishedSigningKeys { get; }

    /// <summary>AES key that encrypts what only this server reads back: authorization codes and refresh tokens.</summary>
    public SymmetricSecurityKey EncryptionKey { get; }

    /// <summary>Adds a new signing key, used from the next start; returns its key id.</summary>
    public static string RotateSigningKey(string path, TimeProvider? clock = null)
    {
        var folder = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(folder);
        var since = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var file = System.IO.Path.Combine(folder, RotatedPrefix + since.ToString(Stamp, CultureInfo.InvariantCulture) + ".pem");
        WriteOnce(file, NewRsaPem());
        return LoadRsa(file).KeyId!;
    }

    /// <summary>The signing key files with the time each took over (the first key: the beginning of time).</summary>
    private IEnumerable<(DateTimeOffset Since, string File)> SigningFiles()
    {
        var first = System.IO.Path.Combine(Path, SigningFile);
        if (File.Exists(first)) yield return (DateTimeOffset.MinValue, first);
        foreach (var file in Directory.GetFiles(Path, RotatedPrefix + "*.pem"))
        {
            var stamp = System.IO.Path.GetFileNameWithoutExtension(file)[RotatedPrefix.Length..];
            if (DateTime.TryParseExact(stamp, Stamp, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var since))
                yield return (new DateTimeOffset(since, TimeSpan.Zero), file);
        }
    }

    private void Retire(string file)
    {
        var retired = System.IO.Path.Combine(Path, "retired");
        Directory.CreateDirectory(retired);
        try { File.Move(file, System.IO.Path.Combine(retired, System.IO.Path.GetFileName(file)), overwrite: true); }
        catch (IOException) when (!File.Exists(file)) { /* another instance retired it first */ }
    }

    private static byte[] NewRsaPem()
    {
        using var rsa = RSA.Create(2048);
        return System.Text.Encoding.ASCII.GetBytes(rsa.ExportPkcs8PrivateKeyPem());
    }

    private static RsaSecurityKey LoadRsa(string file)
    {
        var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(file));
        var securityKey = new RsaSecurityKey(key);
        // A kid derived from the public key itself: the same after every restart, different for a new key.
        securityKey.KeyId = Base64UrlEncoder.Encode(securityKey.ComputeJwkThumbprint());
        return securityKey;
    }

    private SymmetricSecurityKey LoadEncryptionKey()
    {
        var bytes = ReadOrCreate(EncryptionFile, () => RandomNumberGenerator.GetBytes(32));
        if (bytes.Length != 32) throw new InvalidOperationException($"{System.IO.Path.Combine(Path, EncryptionFile)} must hold 32 bytes.");
        return new SymmetricSecurityKey(bytes);
    }

    private byte[] ReadOrCreate(string name, Func<byte[]> create) => File.ReadAllBytes(CreateIfMissing(name, create));

    private string CreateIfMissing(string name, Func<byte[]> create)
    {
        var file = System.IO.Path.Combine(Path, name);
        if (!File.Exists(file)) WriteOnce(file, create());
        return file;
    }

    private static void WriteOnce(string file, byte[] content)
    {
        var temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temporary, content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try { File.Move(temporary, file, overwrite: false); }
        catch (IOException) when (File.Exists(file)) { File.Delete(temporary); } // another instance was first
    }
}

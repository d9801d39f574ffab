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
/// TODO(key rotation, later issue): publish a second key before retiring the first.
/// </remarks>
public sealed class TokenKeyFolder
{
    public const string DefaultPath = "data/identity-keys";
    private const string SigningFile = "signing-rsa.pem";
    private const string EncryptionFile = "encryption-aes.key";

    public TokenKeyFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
        SigningKey = LoadSigningKey();
        EncryptionKey = LoadEncryptionKey();
    }

    public string Path { get; }

    /// <summary>RSA key that signs identity and access tokens; published on the JWKS endpoint.</summary>
    public RsaSecurityKey SigningKey { get; }

    /// <summary>AES key that encrypts what only this server reads back: authorization codes and refresh tokens.</summary>
    public SymmetricSecurityKey EncryptionKey { get; }

    private RsaSecurityKey LoadSigningKey()
    {
        var pem = ReadOrCreate(SigningFile, () =>
        {
            using var rsa = RSA.Create(2048);
            return System.Text.Encoding.ASCII.GetBytes(rsa.ExportPkcs8PrivateKeyPem());
        });
        var key = RSA.Create();
        key.ImportFromPem(System.Text.Encoding.ASCII.GetString(pem));
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

    private byte[] ReadOrCreate(string name, Func<byte[]> create)
    {
        var file = System.IO.Path.Combine(Path, name);
        if (!File.Exists(file))
        {
            var temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(temporary, create());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try { File.Move(temporary, file, overwrite: false); }
            catch (IOException) when (File.Exists(file)) { File.Delete(temporary); } // another instance was first
        }
        return File.ReadAllBytes(file);
    }
}

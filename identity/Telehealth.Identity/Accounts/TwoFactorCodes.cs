using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using QRCoder;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Accounts;

/// <summary>
/// ASP.NET Core Identity's authenticator codes (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), each accepted once.
/// Identity accepts a code for as long as it stays in its window (a couple of steps either side of now), so a code
/// read over someone's shoulder could be replayed; RFC 6238 §5.2 says a verifier must not accept it a second time.
/// </summary>
public sealed class SingleUseAuthenticatorTokenProvider(TimeProvider time) : AuthenticatorTokenProvider<PlatformUser>
{
    // A row in AspNetUserTokens beside Identity's own "[AspNetUserStore]" AuthenticatorKey.
    private const string TokenStore = "[Telehealth]";
    private const string LastCode = "LastAuthenticatorCode";

    // Longer than any code stays inside Identity's window.
    private static readonly TimeSpan Memory = TimeSpan.FromMinutes(5);

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<PlatformUser> manager, PlatformUser user)
    {
        if (!await base.ValidateAsync(purpose, token, manager, user)) return false;

        var now = time.GetUtcNow();
        if (await manager.GetAuthenticationTokenAsync(user, TokenStore, LastCode) is { } last
            && last.Split(' ') is [var code, var seconds] && code == token && long.TryParse(seconds, out var at)
            && now - DateTimeOffset.FromUnixTimeSeconds(at) < Memory)
            return false;

        try
        {
            // Two requests racing with the same code: the second fails on the account's concurrency stamp.
            var saved = await manager.SetAuthenticationTokenAsync(user, TokenStore, LastCode, $"{token} {now.ToUnixTimeSeconds()}");
            return saved.Succeeded;
        }
        catch (DbUpdateException)
        {
            // The same race on an account's first code: both requests insert the one row, the second loses.
            return false;
        }
    }
}

/// <summary>How codes and keys are shown to people and read back from them.</summary>
public static class TwoFactorCodes
{
    public const string Issuer = "Telehealth";
    public const int RecoveryCodeCount = 10;

    /// <summary>The shared key in groups of four, lower case, as authenticator apps show it for typing in.</summary>
    public static string GroupedKey(string key) =>
        string.Join(' ', key.ToLowerInvariant().Chunk(4).Select(group => new string(group)));

    /// <summary>The key URI authenticator apps read (Google's Key Uri Format), e.g. from a link on a phone.</summary>
    public static string KeyUri(string userName, string key) =>
        $"otpauth://totp/{Issuer}:{UrlEncoder.Default.Encode(userName)}?secret={key}&issuer={Issuer}&digits=6";

    /// <summary>
    /// The key URI as a QR code (PNG, as a <c>data:</c> URI for an <c>img</c>), which authenticator apps scan from the
    /// screen: four pixels a module and the standard four-module quiet zone, medium error correction.
    /// </summary>
    public static string KeyQrCode(string keyUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(keyUri, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(4));
    }

    /// <summary>Six digits typed with or without spaces, or null when the input is no authenticator code.</summary>
    public static string? AuthenticatorCode(string? input)
    {
        var digits = Strip(input);
        return digits.Length == 6 && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    /// <summary>A recovery code as Identity stores it (XXXXX-XXXXX, upper case), however it was typed.</summary>
    public static string RecoveryCode(string? input)
    {
        var code = Strip(input).ToUpperInvariant();
        return code.Length == 10 ? code[..5] + "-" + code[5..] : code;
    }

    private static string Strip(string? input) =>
        new((input ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());
}

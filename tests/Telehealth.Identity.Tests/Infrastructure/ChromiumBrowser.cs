using Microsoft.Playwright;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>Debian's Chromium under Playwright (never a downloaded browser), started once for a test class.</summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    private IPlaywright? playwright;
    private IBrowser? browser;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("Chromium has not started.");

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
            throw new InvalidOperationException($"Chromium is not at {chromium}: run the tests through ./test.sh, which installs Debian's chromium.");
        playwright = await Playwright.CreateAsync();
        // Root needs --no-sandbox; the browser is Debian's, so Playwright downloads nothing.
        browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
    }
}

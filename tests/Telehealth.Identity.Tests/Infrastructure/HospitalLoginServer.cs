using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>A person at the hospital, as its login server describes them (claims of the userinfo answer).</summary>
public sealed record HospitalPerson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("licence")] string? Licence,
    [property: JsonPropertyName("groups")] IReadOnlyList<string> Groups,
    [property: JsonPropertyName("email")] string? Email = null);

/// <summary>
/// A hospital's own OpenID Connect login server: npm's oidc-provider run by Node (Federation/hospital-idp.mjs) on
/// loopback, over plain HTTP or over HTTPS with a certificate from the hospital's own authority, with one client and
/// the given people. ./test.sh installs the package and exports
/// <see cref="PackageVariable"/>.
/// </summary>
public sealed class HospitalLoginServer : IDisposable
{
    public const string PackageVariable = "OIDC_PROVIDER_DIR";

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly Dictionary<string, TaskCompletionSource> pendingUpdates = [];
    private int updates;

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly TestAuthority? authority;

    private HospitalLoginServer(Process process, string issuer, TestAuthority? authority)
    {
        this.process = process;
        this.authority = authority;
        Issuer = issuer;
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c>, with the trailing slash oidc-provider puts in its discovery document.</summary>
    public string Issuer { get; }

    /// <summary>A loopback port free right now: the identity service is configured with the hospital before the hospital starts.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }

    /// <summary>Starts the server and returns once its discovery document answers.</summary>
    /// <param name="authority">When given, the server speaks HTTPS with a certificate this authority issued.</param>
    public static async Task<HospitalLoginServer> StartAsync(int port, string clientId, string clientSecret,
        IEnumerable<string> redirectUris, IReadOnlyDictionary<string, HospitalPerson> people, TestAuthority? authority = null)
    {
        var issuer = $"{(authority is null ? "http" : "https")}://127.0.0.1:{port}/";
        var config = JsonSerializer.Serialize(new
        {
            port,
            issuer,
            client = new { id = clientId, secret = clientSecret, redirectUris = redirectUris.ToArray() },
            accounts = people,
            tls = authority is null ? null : new { cert = authority.ServerCertificateFile, key = authority.ServerKeyFile },
        }, Json);

        // Once in a while (a few CI runs in a hundred, under load) Node sits without listening until the wait runs
        // out; a second process on the same port has always come up. The first one's output stays in the failure text.
        string? earlier = null;
        for (var attempt = 1; ; attempt++)
        {
            var server = new HospitalLoginServer(Launch(config), issuer, authority);
            if (earlier is not null) server.Record($"(an earlier start gave up:)\n{earlier}");
            try
            {
                await server.WaitForDiscoveryAsync(TimeSpan.FromSeconds(attempt == 1 ? 45 : 90));
                return server;
            }
            catch (TimeoutException) when (attempt == 1)
            {
                earlier = server.Output;
                server.Dispose();
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }
    }

    private static Process Launch(string config)
    {
        var start = new ProcessStartInfo("node", [Path.Combine(AppContext.BaseDirectory, "Federation", "hospital-idp.mjs")])
        {
            RedirectStandardInput = true, // the script exits when this closes
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["HOSPITAL_IDP_CONFIG"] = config;
        start.Environment[PackageVariable] = PackageFolder();
        return Process.Start(start) ?? throw new InvalidOperationException("node did not start");
    }

    /// <summary>
    /// Changes a person at the hospital (their groups, say), as the hospital's own directory would; returns once the
    /// server has taken it, so the next sign-in sees it.
    /// </summary>
    public async Task UpdatePersonAsync(string subject, HospitalPerson person)
    {
        var id = Interlocked.Increment(ref updates);
        var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (output) pendingUpdates[$"updated {id}"] = taken;
        await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new { id, subject, person }, Json));
        await process.StandardInput.FlushAsync();
        try { await taken.Task.WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (TimeoutException) { throw new TimeoutException($"The hospital login server did not take update {id}:\n{Output}"); }
    }

    /// <summary>What the server printed, for failure messages.</summary>
    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    private void Record(string? line)
    {
        if (line is null) return;
        TaskCompletionSource? taken;
        lock (output)
        {
            output.AppendLine(line);
            pendingUpdates.Remove(line, out taken);
        }
        taken?.TrySetResult();
    }

    private async Task WaitForDiscoveryAsync(TimeSpan wait)
    {
        using var client = new HttpClient(TestAuthority.Handler(authority)) { Timeout = TimeSpan.FromSeconds(5) };
        // Node starts slowly while the other test classes load both cores (CI); a healthy start takes about a second.
        var deadline = DateTime.UtcNow + wait;
        var last = "nothing yet";
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The hospital login server exited ({process.ExitCode}):\n{Output}");
            try
            {
                using var response = await client.GetAsync(Issuer + ".well-known/openid-configuration");
                if (response.IsSuccessStatusCode) return;
                last = $"{(int)response.StatusCode} from the port";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { last = e.Message; /* not listening yet */ }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The hospital login server did not answer within {wait.TotalSeconds:F0} s (last: {last}):\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary><see cref="PackageVariable"/>, else where ./test.sh installs it; the tests need one or the other.</summary>
    private static string PackageFolder()
    {
        if (Environment.GetEnvironmentVariable(PackageVariable) is { Length: > 0 } folder) return folder;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var installed = Path.Combine(dir.FullName, ".test-tmp", "npm-oidc", "node_modules", "oidc-provider");
            if (File.Exists(Path.Combine(dir.FullName, "Telehealth.slnx")) && Directory.Exists(installed)) return installed;
        }
        throw new InvalidOperationException($"{PackageVariable} is not set: run the tests through ./test.sh, which installs oidc-provider from npm.");
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.StandardInput.Close();
                if (!process.WaitForExit(2000)) process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        finally
        {
            process.Dispose();
        }
    }
}

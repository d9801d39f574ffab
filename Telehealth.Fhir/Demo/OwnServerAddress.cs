using System.Net;

namespace Telehealth.Fhir.Demo;

/// <summary>Chooses, among the addresses the server listens on, one this process can call itself on.</summary>
internal static class OwnServerAddress
{
    /// <summary>
    /// Prefers plain http (no certificate to trust) on a loopback host; a wildcard binding
    /// (0.0.0.0, [::], +, *) is called on 127.0.0.1. Unix sockets and named pipes are skipped.
    /// </summary>
    public static Uri? Choose(IEnumerable<string> addresses) =>
        addresses
            .Select(Parse)
            .OfType<Candidate>()
            .OrderBy(c => c.Rank)
            .Select(c => c.Root)
            .FirstOrDefault();

    private sealed record Candidate(Uri Root, int Rank);

    private static Candidate? Parse(string address)
    {
        BindingAddress binding;
        try
        {
            binding = BindingAddress.Parse(address);
        }
        catch (FormatException)
        {
            return null;
        }
        if (binding.IsUnixPipe || binding.IsNamedPipe || binding.Port <= 0)
            return null;

        var https = string.Equals(binding.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
        if (!https && !string.Equals(binding.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
            return null;

        var (host, hostRank) = binding.Host.Trim('[', ']') switch
        {
            "localhost" => ("localhost", 0),
            "0.0.0.0" or "::" or "+" or "*" => ("127.0.0.1", 1),
            var h when IPAddress.TryParse(h, out var ip) && IPAddress.IsLoopback(ip) => (binding.Host, 0),
            _ => (binding.Host, 2),
        };
        var root = new UriBuilder(binding.Scheme, host, binding.Port, binding.PathBase).Uri;
        return new Candidate(root, (https ? 10 : 0) + hostRank);
    }
}

using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Telehealth.Api.Access;

/// <summary>
/// Every call needs a valid access token for the scheduling core (issuer, audience, lifetime, signature): without
/// one, <see cref="StatusCode.Unauthenticated"/>; with one that lacks the method's scope,
/// <see cref="StatusCode.PermissionDenied"/>. Each refusal says why in its message and in the <c>www-authenticate</c>
/// trailer, and is refused before the method runs, so nothing changes.
/// </summary>
public sealed class AccessInterceptor : Interceptor
{
    private static readonly object CallerKey = new();

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await CheckAsync(context);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await CheckAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await CheckAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await CheckAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    /// <summary>The caller of a call that passed the checks.</summary>
    public static ApiCaller CallerOf(ServerCallContext context) =>
        context.GetHttpContext().Items[CallerKey] as ApiCaller
        ?? throw new InvalidOperationException("The call has not passed the access checks.");

    private static async Task CheckAsync(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded)
            throw Refused(StatusCode.Unauthenticated, "Bearer error=\"invalid_token\"", result.Failure is { } failure
                ? $"The access token was refused: {Describe(failure)}"
                : "This call needs an access token from the identity service (metadata \"authorization: Bearer …\").");
        var caller = ApiCaller.From(result.Principal);
        var required = http.GetEndpoint()?.Metadata.GetMetadata<RequiresScopeAttribute>()?.Scope;
        if (required is null)
            throw Refused(StatusCode.PermissionDenied, "Bearer error=\"insufficient_scope\"", $"{context.Method} declares no scope, so nobody may call it.");
        if (!caller.Scopes.Contains(required))
            throw Refused(StatusCode.PermissionDenied, $"Bearer error=\"insufficient_scope\", scope=\"{required}\"",
                $"The access token does not grant the scope \"{required}\" that {context.Method} needs: ask the identity service for it.");
        http.Items[CallerKey] = caller;
    }

    private static RpcException Refused(StatusCode status, string challenge, string message) =>
        new(new Status(status, message), new Metadata { { "www-authenticate", challenge } });

    private static string Describe(Exception failure) => failure switch
    {
        SecurityTokenExpiredException => "it has expired; get a new one.",
        SecurityTokenInvalidAudienceException => "it is not meant for the scheduling core (wrong audience: ask for the scope \"api\").",
        SecurityTokenInvalidIssuerException => "it was not issued by this platform's identity service.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not match the identity service's keys.",
        _ => "it is not a valid token.",
    };
}

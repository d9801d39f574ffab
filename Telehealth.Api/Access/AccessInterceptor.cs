using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Telehealth.ServiceDefaults;
using Status = Google.Rpc.Status;
using StatusCode = Grpc.Core.StatusCode;

namespace Telehealth.Api.Access;

/// <summary>
/// Every call needs a valid access token for the scheduling core (issuer, audience, lifetime, signature): without
/// one, <see cref="StatusCode.Unauthenticated"/>; with one that lacks the method's scope,
/// <see cref="StatusCode.PermissionDenied"/>. Each refusal says why in its message, as a <c>google.rpc.ErrorInfo</c>
/// detail (reason TOKEN_EXPIRED, TOKEN_WRONG_AUDIENCE, SCOPE_MISSING...) and in the <c>www-authenticate</c> trailer, and
/// is refused before the method runs, so nothing changes.
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
    public static TokenCaller CallerOf(ServerCallContext context) =>
        context.GetHttpContext().Items[CallerKey] as TokenCaller
        ?? throw new InvalidOperationException("The call has not passed the access checks.");

    private static async Task CheckAsync(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded)
            throw Refused(StatusCode.Unauthenticated, PlatformTokens.Reason(result.Failure), "Bearer error=\"invalid_token\"", result.Failure is { } failure
                ? $"The access token was refused: {PlatformTokens.Describe(failure, "the scheduling core")}"
                : "This call needs an access token from the identity service (metadata \"authorization: Bearer …\").");
        var caller = TokenCaller.From(result.Principal);
        var required = http.GetEndpoint()?.Metadata.GetMetadata<RequiresScopeAttribute>()?.Scope;
        if (required is null)
            throw Refused(StatusCode.PermissionDenied, "METHOD_CLOSED", "Bearer error=\"insufficient_scope\"",
                $"{context.Method} declares no scope, so nobody may call it.");
        if (!caller.Scopes.Contains(required))
            throw Refused(StatusCode.PermissionDenied, "SCOPE_MISSING", $"Bearer error=\"insufficient_scope\", scope=\"{required}\"",
                $"The access token does not grant the scope \"{required}\" that {context.Method} needs: ask the identity service for it.",
                ("scope", required));
        http.Items[CallerKey] = caller;
    }

    private static RpcException Refused(StatusCode code, string reason, string challenge, string message, params (string Key, string Value)[] metadata)
    {
        var info = new ErrorInfo { Reason = reason, Domain = "telehealth.api" };
        foreach (var (key, value) in metadata) info.Metadata[key] = value;
        var status = new Status { Code = (int)code, Message = message, Details = { Google.Protobuf.WellKnownTypes.Any.Pack(info) } };
        var exception = status.ToRpcException();
        exception.Trailers.Add("www-authenticate", challenge);
        return exception;
    }
}

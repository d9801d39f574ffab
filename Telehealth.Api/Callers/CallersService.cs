using Grpc.Core;
using Mediator;
using Telehealth.Api.Access;

namespace Telehealth.Api.Callers;

/// <summary>The gRPC adapter of <c>telehealth.api.v1.Callers</c>: one Mediator request per method.</summary>
public sealed class CallersService(IMediator mediator) : V1.Callers.CallersBase
{
    [RequiresScope(ApiScopes.Use)]
    public override async Task<V1.Caller> GetCurrentCaller(V1.GetCurrentCallerRequest request, ServerCallContext context) =>
        await mediator.Send(new GetCurrentCaller(AccessInterceptor.CallerOf(context)), context.CancellationToken);
}

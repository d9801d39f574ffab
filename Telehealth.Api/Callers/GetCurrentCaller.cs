using Mediator;
using Telehealth.Api.Access;
using Telehealth.ServiceDefaults;

namespace Telehealth.Api.Callers;

/// <summary>Who is calling, as the scheduling core reads the access token.</summary>
public sealed record GetCurrentCaller(TokenCaller Caller) : IRequest<V1.Caller>;

public sealed class GetCurrentCallerHandler : IRequestHandler<GetCurrentCaller, V1.Caller>
{
    public ValueTask<V1.Caller> Handle(GetCurrentCaller request, CancellationToken cancellationToken)
    {
        var caller = request.Caller;
        var reply = new V1.Caller
        {
            Subject = caller.Subject,
            ClientId = caller.ClientId ?? "",
            FhirUser = caller.FhirUser ?? "",
            Organization = caller.Organization ?? "",
            IsService = caller.IsService,
        };
        reply.Roles.AddRange(caller.Roles.Order(StringComparer.Ordinal));
        reply.Scopes.AddRange(caller.Scopes.Order(StringComparer.Ordinal));
        return ValueTask.FromResult(reply);
    }
}

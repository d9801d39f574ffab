using Microsoft.AspNetCore.Identity;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Accounts;

/// <summary>
/// Only an <see cref="AccountStatus.Active"/> account may sign in. With <c>SignIn.RequireConfirmedAccount</c>,
/// <see cref="SignInManager{TUser}.CanSignInAsync"/> asks this, so a pending or rejected account gets no session from a
/// password, no code at /connect/authorize and no renewed token at /connect/token.
/// </summary>
internal sealed class ActiveAccountConfirmation : IUserConfirmation<PlatformUser>
{
    public Task<bool> IsConfirmedAsync(UserManager<PlatformUser> manager, PlatformUser user) =>
        Task.FromResult(user.Status == AccountStatus.Active);
}

using Microsoft.Extensions.Configuration;
using Telehealth.Identity.Accounts;

namespace Telehealth.Identity.Tests;

/// <summary>Who must use a second factor, read from configuration.</summary>
public sealed class TwoFactorRulesTests
{
    private static TwoFactorRules Rules(params (string Key, string Value)[] settings) => TwoFactorRules.From(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void Production_requires_it_of_the_five_staff_roles_and_not_of_patients()
    {
        var rules = Rules();
        Assert.True(rules.Required);
        Assert.Equal(["commune_doctor", "coordinator", "facility_admin", "platform_admin", "specialist"], rules.RequiredRoles.Order());
        Assert.True(rules.AppliesTo(["specialist"]));
        Assert.False(rules.AppliesTo(["patient"]));
    }

    [Fact]
    public void Demo_mode_turns_it_off_unless_configured()
    {
        Assert.False(Rules(("Demo:Load", "true")).Required);
        Assert.True(Rules(("Demo:Load", "true"), ("Identity:TwoFactor:Required", "true")).Required);
        Assert.False(Rules(("Identity:TwoFactor:Required", "false")).AppliesTo(["platform_admin"]));
    }

    [Fact]
    public void The_roles_may_be_a_list_or_one_comma_separated_value()
    {
        Assert.Equal(["platform_admin"], Rules(("Identity:TwoFactor:RequiredRoles:0", "platform_admin")).RequiredRoles);
        Assert.Equal(["facility_admin", "platform_admin"],
            Rules(("Identity:TwoFactor:RequiredRoles", "platform_admin, facility_admin")).RequiredRoles.Order());
    }
}

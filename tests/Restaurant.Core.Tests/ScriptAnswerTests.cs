using Restaurant.Core.Redis;
using StackExchange.Redis;

namespace Restaurant.Core.Tests;

/// <summary>The one decoder of script answers: every code the scripts spell, and nothing else.</summary>
public class ScriptAnswerTests
{
    [Theory]
    [InlineData("NOT_FOUND", nameof(ScriptCode.NotFound))]
    [InlineData("MENU_CHANGED", nameof(ScriptCode.MenuChanged))]
    [InlineData("OK", nameof(ScriptCode.Ok))]
    [InlineData("NOT_READY", nameof(ScriptCode.NotReady))]
    public void ACodeAndItsDetailsAreReadFromAnArrayAnswer(string spelled, string code)
    {
        var answer = ScriptAnswer.Of("bump_ticket", RedisResult.Create([RedisResult.Create((RedisValue)spelled), RedisResult.Create((RedisValue)"grill, fryer")]));

        Assert.Equal(code, answer.Code.ToString());
        Assert.Equal("grill, fryer", answer[1]);
        Assert.Null(answer[2]);
    }

    [Fact]
    public void APlainCodeIsAnAnswerToo()
    {
        Assert.Equal(ScriptCode.Routed, ScriptAnswer.Of("route_order", RedisResult.Create((RedisValue)"ROUTED")).Code);
    }

    [Fact]
    public void AnAnswerNoCallerKnowsFailsNamingTheScript()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ScriptAnswer.Of("amend_order", RedisResult.Create((RedisValue)"MAYBE")));
        Assert.Contains("amend_order answered 'MAYBE'", ex.Message);
    }
}

using CsCheck;
using FinBackup.Domain;
using FinBackup.Domain.Policy;

namespace FinBackup.Tests.Policy;

public sealed class DurationTests
{
    [Theory]
    [InlineData("45m", 45 * 60)]
    [InlineData("1h", 3600)]
    [InlineData("12h", 12 * 3600)]
    [InlineData("2d", 2 * 86400)]
    [InlineData("90s", 90)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d12h", 36 * 3600)]
    [InlineData(" 30M ", 1800)]
    [InlineData("1.5h", 5400)]
    [InlineData("PT45M", 45 * 60)]
    [InlineData("P1D", 86400)]
    [InlineData("PT1H30M", 5400)]
    [InlineData("P1DT12H", 36 * 3600)]
    [InlineData("pt90s", 90)]
    [InlineData("P1W", 7 * 86400)]
    public void Parses_short_and_iso_forms(string text, int seconds)
    {
        Assert.True(Duration.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("12x")]
    [InlineData("h")]
    [InlineData("45")]
    [InlineData("30m1h")]       // units out of order
    [InlineData("1h1h")]        // unit twice
    [InlineData("P1M")]         // months vary in length
    [InlineData("P1Y")]
    [InlineData("PT")]
    [InlineData("P")]
    [InlineData("T1H")]
    [InlineData("1 hour")]
    public void Rejects_what_is_not_a_duration_with_the_hint(string text)
    {
        Assert.False(Duration.TryParse(text, out _, out var error));
        Assert.Contains("is not a duration", error);
        Assert.Contains("45m, 1h, 12h, 2d or ISO 8601 such as PT45M", error);
    }

    [Theory]
    [InlineData("0m", "zero")]
    [InlineData("PT0S", "zero")]
    [InlineData("0h0m", "zero")]
    [InlineData("-5m", "negative")]
    [InlineData("-PT5M", "negative")]
    public void Rejects_zero_and_negative_durations_saying_which(string text, string word)
    {
        Assert.False(Duration.TryParse(text, out _, out var error));
        Assert.Contains(word, error);
        Assert.Contains("greater than zero", error);
    }

    [Fact]
    public void Empty_is_rejected()
    {
        Assert.False(Duration.TryParse("  ", out _, out var error));
        Assert.Contains("empty", error);
    }

    [Fact]
    public void Parse_throws_a_FinBackupException_with_an_error_id()
    {
        var ex = Assert.Throws<FinBackupException>(() => Duration.Parse("soon"));
        Assert.Equal("FinDurationInvalid", ex.ErrorId);
        Assert.Equal(FinErrorKind.InvalidArgument, ex.Kind);
    }

    [Theory]
    [InlineData(5400, "1h30m")]
    [InlineData(2700, "45m")]
    [InlineData(172800, "2d")]
    [InlineData(90, "1m30s")]
    [InlineData(93784, "1d2h3m4s")]
    public void Formats_in_the_short_form(int seconds, string expected)
    {
        Assert.Equal(expected, Duration.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Format_then_parse_gives_back_the_same_duration()
    {
        Gen.Int[1, 400 * 86400].Sample(seconds =>
        {
            var t = TimeSpan.FromSeconds(seconds);
            Assert.True(Duration.TryParse(Duration.Format(t), out var back, out var error), error);
            Assert.Equal(t, back);
        });
    }
}

using Restaurant.Domain;

namespace Restaurant.Core.Tests;

public class OrderValidatorTests
{
    private static OrderLineData Line(string item = "classic-burger", int quantity = 1, string note = "", params string[] modifiers) =>
        new(item, quantity, modifiers, note);

    [Theory]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("0F8FAD5B-D9CB-469F-A165-70867728950E")]
    public void CanonicalUuidsInEitherCaseAreAccepted(string orderId) => OrderValidator.RequireOrderId(orderId);

    [Theory]
    [InlineData("")]
    [InlineData("order-1")]
    [InlineData("0f8fad5bd9cb469fa16570867728950e")]
    [InlineData("{0f8fad5b-d9cb-469f-a165-70867728950e}")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950g")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e\n")]
    public void AnythingButACanonicalUuidIsRejectedNamingOrderId(string orderId)
    {
        var ex = Assert.Throws<RestaurantException>(() => OrderValidator.RequireOrderId(orderId));
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("order_id", ex.Message);
    }

    public static TheoryData<string, OrderLineData[], string> BadLines => new()
    {
        { "no lines", [], "lines" },
        { "101 lines", Enumerable.Repeat(Line(), 101).ToArray(), "lines" },
        { "quantity 0", [Line(quantity: 0)], "lines[0].quantity" },
        { "quantity 100", [Line(), Line(quantity: 100)], "lines[1].quantity" },
        { "note of 201", [Line(note: new string('x', 201))], "lines[0].note" },
        { "21 modifiers", [Line(modifiers: Enumerable.Range(0, 21).Select(i => $"m{i}").ToArray())], "lines[0].modifiers" },
        { "modifier of 51", [Line(modifiers: new string('m', 51))], "lines[0].modifiers[0]" },
        { "empty modifier", [Line(modifiers: " ")], "lines[0].modifiers[0]" },
        { "no item", [Line(item: "")], "lines[0].menu_item_id" },
        { "item with spaces", [Line(item: "classic burger")], "lines[0].menu_item_id" },
        { "item with a trailing newline", [Line(item: "classic-burger\n")], "lines[0].menu_item_id" },
        { "newline in a modifier", [Line(modifiers: "side salad\nNUT ALLERGY")], "lines[0].modifiers[0]" },
        { "carriage return in a modifier", [Line(modifiers: ["rare", "no onion\r\nFLUSHALL"])], "lines[0].modifiers[1]" },
        { "NUL in a note", [Line(note: "x\u0000y")], "lines[0].note" },
        { "escape sequence in a note", [Line(note: "\u001b[2J")], "lines[0].note" },
        { "C1 control in a note", [Line(note: "\u009b2J")], "lines[0].note" },
        { "bidirectional override in a note", [Line(note: "no \u202Eeciop")], "lines[0].note" },
        { "lone surrogate in a note", [Line(note: "x\ud800y")], "lines[0].note" },
        { "201 emoji", [Line(note: string.Concat(Enumerable.Repeat("😀", 201)))], "lines[0].note is 201 characters" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void MalformedLinesAreRejectedNamingTheField(string because, OrderLineData[] lines, string field)
    {
        var ex = Assert.Throws<RestaurantException>(() => OrderValidator.ValidateLines(lines));
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.True(ex.Message.Contains(field, StringComparison.Ordinal), $"{because}: '{ex.Message}' should name {field}");
    }

    [Fact]
    public void TheLimitsThemselvesAreAllowed()
    {
        OrderValidator.ValidateLines(Enumerable.Repeat(
            Line(quantity: 99, note: new string('n', 200), modifiers: Enumerable.Range(0, 20).Select(i => new string('m', 50)).ToArray()), 100).ToArray());
    }

    [Theory]
    [InlineData("demo\n")]
    [InlineData("demo\r")]
    [InlineData("")]
    public void AnIdWithATrailingNewlineIsNotAnId(string id) => Assert.False(OrderValidator.IsValidId(id));

    [Fact]
    public void TwoHundredCharactersAreTheOnesAPersonCounts()
    {
        OrderValidator.ValidateLines([Line(note: string.Concat(Enumerable.Repeat("😀", 200)))]);
        OrderValidator.ValidateLines([Line(note: string.Concat(Enumerable.Repeat("👨‍👩‍👧", 200)))]);
        OrderValidator.ValidateLines([Line(note: string.Concat(Enumerable.Repeat("e\u0301", 200)))]);
        OrderValidator.ValidateLines([Line(modifiers: string.Concat(Enumerable.Repeat("ü", 50)))]);
    }
}

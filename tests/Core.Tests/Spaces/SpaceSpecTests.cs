using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Core.Tests.Spaces;

public sealed class SpaceSpecTests
{
    [Fact]
    public void A_box_with_infinite_bounds_round_trips_through_json()
    {
        var box = SpaceSpec.Box([float.NegativeInfinity, -0.42f, -1e-7f], [float.PositiveInfinity, 0.42f, 3.4028235e38f]);
        string json = box.ToJson();
        Assert.Equal("{\"kind\":\"box\",\"shape\":[3],\"low\":[\"-inf\",-0.42,-1E-07],\"high\":[\"inf\",0.42,3.4028235E+38]}", json);
        SpaceSpec back = SpaceSpec.Parse(json);
        Assert.Equal(box, back);
        Assert.Equal(box.Low.Select(BitConverter.SingleToInt32Bits), back.Low.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(3, back.FlatSize);
    }

    [Fact]
    public void A_discrete_space_round_trips_and_occupies_one_float()
    {
        var d = SpaceSpec.Discrete(3);
        Assert.Equal("{\"kind\":\"discrete\",\"n\":3}", d.ToJson());
        Assert.Equal(d, SpaceSpec.Parse(d.ToJson()));
        Assert.Equal(1, d.FlatSize);
        Assert.Equal(3, d.Size);
    }

    [Fact]
    public void Equality_compares_bounds_by_value()
    {
        Assert.Equal(SpaceSpec.Box([-1f], [1f]), SpaceSpec.Box([-1f], [1f]));
        Assert.NotEqual(SpaceSpec.Box([-1f], [1f]), SpaceSpec.Box([-1f], [2f]));
        Assert.NotEqual(SpaceSpec.Discrete(2), SpaceSpec.Discrete(3));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("{\"kind\":\"tuple\"}", "Unknown space kind")]
    [InlineData("{\"kind\":5}", "wrong type")]
    [InlineData("{\"kind\":\"box\",\"shape\":[2],\"low\":[0],\"high\":[1]}", "disagrees")]
    [InlineData("{\"kind\":\"discrete\",\"n\":\"two\"}", "wrong type")]
    [InlineData("{\"kind\":\"box\",\"low\":[0]}", "lacks \"high\"")]
    [InlineData("{\"kind\":\"box\",\"low\":[\"nan\"],\"high\":[1]}", "expected a number")]
    public void Malformed_descriptions_are_refused_with_a_reason(string json, string reason)
    {
        var e = Assert.Throws<FormatException>(() => SpaceSpec.Parse(json));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Inverted_or_empty_bounds_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SpaceSpec.Box([1f], [0f]));
        Assert.Throws<ArgumentException>(() => SpaceSpec.Box([], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpaceSpec.Discrete(0));
    }
}

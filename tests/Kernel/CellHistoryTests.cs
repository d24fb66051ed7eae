using System.Text.Json.Nodes;
using Diffusion.Kernel.Execution;

namespace Diffusion.Tests.Kernel;

public class CellHistoryTests
{
    private static CellHistory ThreeCells()
    {
        var history = new CellHistory();
        history.Add(1, "var a = 6;");
        history.Add(2, "a * 7");
        history.SetOutput(2, "42");
        history.Add(3, "a * 7");
        return history;
    }

    private static JsonArray Ask(CellHistory history, string json) => history.Reply(JsonNode.Parse(json)!.AsObject());

    [Fact]
    public void Tail_GivesTheLastNAsSessionLineInput()
    {
        var reply = Ask(ThreeCells(), """{"hist_access_type": "tail", "n": 2, "output": false}""");
        Assert.Equal("""[[1,2,"a * 7"],[1,3,"a * 7"]]""", reply.ToJsonString());
    }

    [Fact]
    public void Output_PairsEachInputWithItsTextResult()
    {
        var reply = Ask(ThreeCells(), """{"hist_access_type": "tail", "n": 2, "output": true}""");
        Assert.Equal("""[[1,2,["a * 7","42"]],[1,3,["a * 7",null]]]""", reply.ToJsonString());
    }

    [Fact]
    public void Range_IsStartInclusiveStopExclusiveInTheCurrentSession()
    {
        Assert.Equal("""[[1,1,"var a = 6;"],[1,2,"a * 7"]]""",
            Ask(ThreeCells(), """{"hist_access_type": "range", "session": 0, "start": 1, "stop": 3}""").ToJsonString());
        Assert.Empty(Ask(ThreeCells(), """{"hist_access_type": "range", "session": 2, "start": 1, "stop": 3}"""));
    }

    [Fact]
    public void Search_MatchesGlobsAndUniqueKeepsTheLatest()
    {
        Assert.Equal(2, Ask(ThreeCells(), """{"hist_access_type": "search", "pattern": "a ?*"}""").Count);
        Assert.Equal("""[[1,3,"a * 7"]]""", Ask(ThreeCells(), """{"hist_access_type": "search", "pattern": "a*", "unique": true, "n": 1}""").ToJsonString());
        Assert.Equal(2, Ask(ThreeCells(), """{"hist_access_type": "search", "pattern": "*", "unique": true}""").Count);
        Assert.Empty(Ask(ThreeCells(), """{"hist_access_type": "search", "pattern": "b*"}"""));
    }
}

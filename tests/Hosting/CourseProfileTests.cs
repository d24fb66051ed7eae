using Diffusion.Hosting;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Hosting;

[Collection(SerialCollection.Name)]
public class CourseProfileTests
{
    private static T WithThreadsVariable<T>(string? value, Func<T> body)
    {
        var old = Environment.GetEnvironmentVariable(CourseProfile.ThreadsVariable);
        try
        {
            Environment.SetEnvironmentVariable(CourseProfile.ThreadsVariable, value);
            return body();
        }
        finally
        {
            Environment.SetEnvironmentVariable(CourseProfile.ThreadsVariable, old);
        }
    }

    [Fact]
    public void Threads_IsThePreferredCountUnlessTheVariableIsSet()
    {
        Assert.Equal(2, WithThreadsVariable(null, () => CourseProfile.Threads(2)));
        Assert.Equal(1, WithThreadsVariable("1", () => CourseProfile.Threads(2)));
        Assert.Equal(3, WithThreadsVariable(" 3 ", () => CourseProfile.Threads(1)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    public void Threads_RejectsAValueThatIsNoPositiveCount(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => WithThreadsVariable(value, () => CourseProfile.Threads(2)));
        Assert.Contains($"DIFFUSION_THREADS='{value}'", e.Message);
    }
}

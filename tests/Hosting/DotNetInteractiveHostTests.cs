using System.Collections;
using System.Reflection;
using Diffusion.Hosting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Diffusion.Tests.Hosting;

/// <summary>
/// The reflection bridge against a stand-in with .NET Interactive's public surface (the members 1.0.712001 has), compiled
/// here into an assembly of another name so that <see cref="DotNetInteractiveHost.Current"/> never sees it. The real kernel
/// is exercised by environment/kernel/tests/test_dotnet_interactive.py.
/// </summary>
public class DotNetInteractiveHostTests
{
    private const string StandIn = """
        using System.Collections.Generic;
        using System.Threading;
        namespace Microsoft.DotNet.Interactive
        {
            public class Kernel { }
            public class KernelInvocationContext
            {
                public static KernelInvocationContext Current { get; set; }
                public Commands.KernelCommand Command { get; } = new Commands.KernelCommand();
                public CancellationToken CancellationToken { get; set; }
                public List<Events.KernelEvent> Published { get; } = new List<Events.KernelEvent>();
                public void Publish(Events.KernelEvent e) => Published.Add(e);
            }
        }
        namespace Microsoft.DotNet.Interactive.Commands { public class KernelCommand { } }
        namespace Microsoft.DotNet.Interactive.Events
        {
            using Microsoft.DotNet.Interactive.Commands;
            using Microsoft.DotNet.Interactive.Formatting;
            public abstract class KernelEvent
            {
                public object Value; public string ValueId; public KernelCommand Command; public IReadOnlyCollection<FormattedValue> FormattedValues;
            }
            public class DisplayedValueProduced : KernelEvent
            {
                public DisplayedValueProduced(object value, KernelCommand command, IReadOnlyCollection<FormattedValue> formattedValues = null, string valueId = null)
                { Value = value; Command = command; FormattedValues = formattedValues; ValueId = valueId; }
            }
            public class DisplayedValueUpdated : KernelEvent
            {
                public DisplayedValueUpdated(object value, string valueId, KernelCommand command, IReadOnlyCollection<FormattedValue> formattedValues = null)
                { Value = value; Command = command; FormattedValues = formattedValues; ValueId = valueId; }
            }
        }
        namespace Microsoft.DotNet.Interactive.Formatting
        {
            public class FormattedValue
            {
                public FormattedValue(string mimeType, string value) { MimeType = mimeType; Value = value; }
                public string MimeType { get; }
                public string Value { get; }
                public static IReadOnlyList<FormattedValue> CreateManyFromObject(object value, params string[] mimeTypes) =>
                    new[] { new FormattedValue("text/html", "<i>" + value + "</i>") };
            }
            public static class Formatter
            {
                public static void Register(System.Type type, System.Action<object, System.IO.TextWriter> formatter, string mimeType = "text/plain") { }
            }
        }
        """;

    private static readonly Lazy<Assembly> Complete = new(() => Compile(StandIn, "StandIn.Interactive"));

    private static Assembly Compile(string source, string name)
    {
        var folder = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = new[] { typeof(object).Assembly.Location, Path.Combine(folder, "System.Runtime.dll"), Path.Combine(folder, "System.Collections.dll") }
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(name, [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return Assembly.Load(image.ToArray());
    }

    private sealed class Rich
    {
        public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string> { ["image/png"] = "iVBOR" };

        public override string ToString() => "rich";
    }

    /// <summary>A fresh running cell of the stand-in: its context, made current.</summary>
    private static object NewCell(CancellationToken token = default)
    {
        var type = Complete.Value.GetType("Microsoft.DotNet.Interactive.KernelInvocationContext")!;
        var context = Activator.CreateInstance(type)!;
        type.GetProperty("CancellationToken")!.SetValue(context, token);
        type.GetProperty("Current")!.SetValue(null, context);
        return context;
    }

    private static List<(string Kind, string Id, object Value, Dictionary<string, string> Formatted)> Published(object context) =>
        ((IEnumerable)context.GetType().GetProperty("Published")!.GetValue(context)!).Cast<object>().Select(e =>
        {
            var t = e.GetType();
            var formatted = ((IEnumerable)t.GetField("FormattedValues")!.GetValue(e)!).Cast<object>().ToDictionary(
                f => (string)f.GetType().GetProperty("MimeType")!.GetValue(f)!, f => (string)f.GetType().GetProperty("Value")!.GetValue(f)!);
            return (t.Name, (string)t.GetField("ValueId")!.GetValue(e)!, t.GetField("Value")!.GetValue(e)!, formatted);
        }).ToList();

    [Fact]
    public void Display_PublishesTheBundleAndUpdatesUnderTheSameId()
    {
        var host = DotNetInteractiveHost.Find([Complete.Value])!;
        lock (Complete)
        {
            var cell = NewCell();
            var update = host.Display(new Rich());
            update("second");
            var events = Published(cell);
            Assert.Equal(["DisplayedValueProduced", "DisplayedValueUpdated"], events.Select(e => e.Kind));
            Assert.Equal(events[0].Id, events[1].Id);
            Assert.Equal(new Dictionary<string, string> { ["image/png"] = "iVBOR", ["text/plain"] = "rich" }, events[0].Formatted);
            // An object without a bundle goes through .NET Interactive's own formatting.
            Assert.Equal(new Dictionary<string, string> { ["text/html"] = "<i>second</i>" }, events[1].Formatted);
        }
    }

    [Fact]
    public void Cancellation_IsTheRunningCellsToken()
    {
        var host = DotNetInteractiveHost.Find([Complete.Value])!;
        using var source = new CancellationTokenSource();
        lock (Complete)
        {
            NewCell(source.Token);
            Assert.Equal(source.Token, host.Cancellation);
        }
    }

    [Fact]
    public void Display_WithoutARunningCell_SaysSo()
    {
        var host = DotNetInteractiveHost.Find([Complete.Value])!;
        lock (Complete)
        {
            Complete.Value.GetType("Microsoft.DotNet.Interactive.KernelInvocationContext")!.GetProperty("Current")!.SetValue(null, null);
            var error = Assert.Throws<InvalidOperationException>(() => host.Display("x"));
            Assert.Contains("no running cell", error.Message);
        }
    }

    [Fact]
    public void Find_IsNullWithoutDotNetInteractive() => Assert.Null(DotNetInteractiveHost.Find([typeof(DotNetInteractiveHostTests).Assembly]));

    [Fact]
    public void Find_NamesWhatAnotherVersionLacks()
    {
        var withoutPublish = Compile(StandIn.Replace("public void Publish(", "public void Send(", StringComparison.Ordinal), "StandIn.Old");
        var error = Assert.Throws<NotSupportedException>(() => DotNetInteractiveHost.Find([withoutPublish]));
        Assert.Contains("KernelInvocationContext.Publish(KernelEvent)", error.Message);
        Assert.Contains("1.0.712001", error.Message);
    }

    [Fact]
    public void Current_IsNullOutsideDotNetInteractive() => Assert.Null(DotNetInteractiveHost.Current);
}

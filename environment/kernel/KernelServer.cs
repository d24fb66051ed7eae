using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Diffusion.Kernel.Display;
using Diffusion.Kernel.Execution;
using Diffusion.Kernel.Protocol;
using Diffusion.Kernel.Transport;
using Microsoft.CodeAnalysis.CSharp;

namespace Diffusion.Kernel;

/// <summary>
/// The kernel: binds the five sockets of a connection file and serves the Jupyter messaging protocol 5.3.
/// Threads: shell (requests, one at a time; cells run on a worker thread), control (interrupt, shutdown,
/// kernel_info), heartbeat (echo). Every request is wrapped in status busy/idle on iopub.
/// </summary>
internal sealed class KernelServer : IDisplaySink, IDisposable
{
    private static readonly TimeSpan InterruptGrace = TimeSpan.FromSeconds(3);
    private readonly ConnectionInfo _connection;
    private readonly KernelSocket _shell;
    private readonly KernelSocket _control;
    private readonly KernelSocket _stdin;
    private readonly KernelSocket _iopubSocket;
    private readonly KernelSocket _heartbeat;
    private readonly MessageSigner _signer;
    private readonly Iopub _iopub;
    private readonly string _session = Guid.NewGuid().ToString();
    private readonly TextWriter _log;
    private readonly CellOutputWriter _stdout;
    private readonly CellOutputWriter _stderr;
    private readonly ScriptHost _host;
    private readonly CodeAssist _assist;
    private readonly HostBridge _bridge;
    private readonly Task _warmUp;
    private PosixSignalRegistration? _sigint;
    private Timer? _flushTimer;
    private JupyterMessage? _parent;
    private int _executionCount;
    private readonly CellHistory _history = new();

    /// <summary>Binds the sockets; <paramref name="workingDirectory"/> is where <c>#r</c> paths start.</summary>
    public KernelServer(ConnectionInfo connection, string workingDirectory)
    {
        _connection = connection;
        _log = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };
        _signer = new MessageSigner(connection.Key);
        _shell = Bind(KernelSocket.Router(), connection.ShellPort);
        _control = Bind(KernelSocket.Router(), connection.ControlPort);
        _stdin = Bind(KernelSocket.Router(), connection.StdinPort);
        _iopubSocket = Bind(KernelSocket.Publisher(), connection.IopubPort);
        _heartbeat = Bind(KernelSocket.Reply(), connection.HbPort);
        _iopub = new Iopub(_iopubSocket, _signer, _session);
        _stdout = new CellOutputWriter("stdout", SendStream);
        _stderr = new CellOutputWriter("stderr", SendStream);
        var globals = new KernelGlobals(this);
        _host = new ScriptHost(globals, workingDirectory);
        _assist = new CodeAssist(_host);
        _bridge = new HostBridge(value =>
        {
            var handle = DisplayHandle.Show(this, value);
            return handle.Update;
        });
        _warmUp = Task.Run(() =>
        {
            try
            {
                _host.WarmUp();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log.WriteLine($"kernel: warm-up failed: {e.Message}");
            }
        });
    }

    private KernelSocket Bind(KernelSocket socket, int port)
    {
        socket.Bind(_connection, port);
        return socket;
    }

    /// <summary>Serves until a shutdown_request arrives (then the process exits).</summary>
    public void Run()
    {
        Console.SetOut(_stdout);
        Console.SetError(_stderr);
        Console.SetIn(new StringReader(""));
        if (SignalDisposition.RestoreSigint() is { } why)
        {
            _log.WriteLine($"kernel: SIGINT may be ignored (inherited from a background job): {why}; interrupt_request still works");
        }
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            Interrupt.Fire();
        });
        _flushTimer = new Timer(_ => FlushStreams(), null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
        StartThread("heartbeat", () =>
        {
            while (true)
            {
                _heartbeat.SendMultipart(_heartbeat.ReceiveMultipart());
            }
        });
        StartThread("control", () => Serve(_control, control: true));
        _iopub.Status("starting", null);
        _log.WriteLine($"kernel: listening ({_connection.Transport} {_connection.Ip}, shell port {_connection.ShellPort})");
        Serve(_shell, control: false);
    }

    private void StartThread(string name, Action body)
    {
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log.WriteLine($"kernel: {name} thread stopped: {e}");
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
    }

    private void Serve(KernelSocket socket, bool control)
    {
        while (true)
        {
            var frames = socket.ReceiveMultipart();
            JupyterMessage request;
            try
            {
                request = WireFormat.Decode(frames, _signer);
            }
            catch (Exception e) when (e is ProtocolException or InvalidSignatureException)
            {
                _log.WriteLine($"kernel: dropped a message on {(control ? "control" : "shell")}: {e.Message}");
                continue;
            }
            HandleWithStatus(socket, request, abortAfterError: !control);
        }
    }

    /// <summary>
    /// Handles one request between status busy and idle. When a cell failed with stop_on_error, the execute
    /// requests already queued are aborted before idle is published (so a client's next request is not).
    /// </summary>
    private void HandleWithStatus(KernelSocket socket, JupyterMessage request, bool abortAfterError)
    {
        _iopub.Status("busy", request);
        try
        {
            if (Handle(socket, request) && abortAfterError)
            {
                AbortQueuedExecutions(socket);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.WriteLine($"kernel: {request.MsgType} failed: {e}");
        }
        finally
        {
            _iopub.Status("idle", request);
        }
    }

    /// <summary>
    /// After a failed cell (stop_on_error), answers the execute requests already queued with "aborted", as ipykernel does.
    /// The queue is emptied before the first answer goes out: a client that waits for those answers before sending its next
    /// request (as a notebook's "run all" does after an error) must not see that request aborted too, however slowly this
    /// kernel answers.
    /// </summary>
    private void AbortQueuedExecutions(KernelSocket socket)
    {
        var queued = new List<JupyterMessage>();
        while (socket.TryReceiveMultipart() is { } frames)
        {
            try
            {
                queued.Add(WireFormat.Decode(frames, _signer));
            }
            catch (Exception e) when (e is ProtocolException or InvalidSignatureException)
            {
                _log.WriteLine($"kernel: dropped a message on shell: {e.Message}");
            }
        }
        foreach (var request in queued)
        {
            if (request.MsgType != "execute_request")
            {
                HandleWithStatus(socket, request, abortAfterError: false);
                continue;
            }
            _iopub.Status("busy", request);
            Reply(socket, request, "execute_reply", new JsonObject { ["status"] = "aborted", ["execution_count"] = _executionCount });
            _iopub.Status("idle", request);
        }
    }

    private void Reply(KernelSocket socket, JupyterMessage request, string msgType, JsonObject content) =>
        socket.SendMultipart(WireFormat.Encode(JupyterMessage.Create(msgType, content, request, _session), _signer));

    private bool Handle(KernelSocket socket, JupyterMessage request)
    {
        var content = request.Content;
        switch (request.MsgType)
        {
            case "kernel_info_request":
                Reply(socket, request, "kernel_info_reply", KernelInfo());
                break;
            case "execute_request":
                return !Execute(socket, request) && Flag(content, "stop_on_error", true);
            case "is_complete_request":
            {
                var (status, indent) = CodeAssist.IsComplete(Text(content, "code"));
                var reply = new JsonObject { ["status"] = status };
                if (status == "incomplete")
                {
                    reply["indent"] = indent;
                }
                Reply(socket, request, "is_complete_reply", reply);
                break;
            }
            case "complete_request":
                Reply(socket, request, "complete_reply", Complete(content));
                break;
            case "inspect_request":
                Reply(socket, request, "inspect_reply", Inspect(content));
                break;
            case "comm_info_request":
                Reply(socket, request, "comm_info_reply", new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() });
                break;
            case "history_request":
                Reply(socket, request, "history_reply", new JsonObject { ["status"] = "ok", ["history"] = _history.Reply(content) });
                break;
            case "connect_request":
                Reply(socket, request, "connect_reply", new JsonObject
                {
                    ["status"] = "ok",
                    ["shell_port"] = _connection.ShellPort,
                    ["iopub_port"] = _connection.IopubPort,
                    ["stdin_port"] = _connection.StdinPort,
                    ["hb_port"] = _connection.HbPort,
                    ["control_port"] = _connection.ControlPort,
                });
                break;
            case "interrupt_request":
                Interrupt.Fire();
                Reply(socket, request, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                break;
            case "shutdown_request":
            {
                var restart = content["restart"]?.GetValue<bool>() ?? false;
                Reply(socket, request, "shutdown_reply", new JsonObject { ["status"] = "ok", ["restart"] = restart });
                _iopub.Status("idle", request);
                FlushStreams();
                _log.WriteLine($"kernel: shutting down (restart: {restart})");
                Thread.Sleep(200);
                Environment.Exit(0);
                break;
            }
            case "comm_open":
                // No comm targets: close the comm as the protocol asks.
                _iopub.Publish("comm_close", new JsonObject { ["comm_id"] = Text(content, "comm_id"), ["data"] = new JsonObject() }, request);
                break;
            case "comm_msg":
            case "comm_close":
                break;
            default:
                _log.WriteLine($"kernel: unsupported request {request.MsgType}");
                break;
        }
        return false;
    }

    private static string Text(JsonObject content, string name) => content[name]?.GetValue<string>() ?? "";

    private static bool Flag(JsonObject content, string name, bool fallback) =>
        content[name] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : fallback;

    private static JsonObject KernelInfo() => new()
    {
        ["status"] = "ok",
        ["protocol_version"] = JupyterMessage.ProtocolVersion,
        ["implementation"] = "diffusion-csharp",
        ["implementation_version"] = typeof(KernelServer).Assembly.GetName().Version?.ToString(3) ?? "1.0.0",
        ["language_info"] = new JsonObject
        {
            ["name"] = "C#",
            ["version"] = LanguageVersion.Latest.MapSpecifiedToEffectiveVersion().ToDisplayString(),
            ["mimetype"] = "text/x-csharp",
            ["file_extension"] = ".cs",
            ["pygments_lexer"] = "csharp",
            ["codemirror_mode"] = "text/x-csharp",
        },
        ["banner"] = $"C# {LanguageVersion.Latest.MapSpecifiedToEffectiveVersion().ToDisplayString()} on .NET {Environment.Version} "
            + "(Roslyn scripting) - the diffusion course kernel. display(x) shows x; Cancellation observes interrupts.",
        ["help_links"] = new JsonArray
        {
            new JsonObject { ["text"] = "C# language reference", ["url"] = "https://learn.microsoft.com/dotnet/csharp/" },
            new JsonObject { ["text"] = ".NET API browser", ["url"] = "https://learn.microsoft.com/dotnet/api/" },
        },
        ["debugger"] = false,
    };

    /// <summary>Runs a cell and replies; false when it failed.</summary>
    private bool Execute(KernelSocket socket, JupyterMessage request)
    {
        var code = Text(request.Content, "code");
        var silent = Flag(request.Content, "silent", false);
        var storeHistory = Flag(request.Content, "store_history", !silent);
        if (storeHistory)
        {
            _executionCount++;
            _history.Add(_executionCount, code);
        }
        var count = _executionCount;
        _parent = request;
        if (!silent)
        {
            _iopub.Publish("execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count }, request);
        }
        _warmUp.Wait();
        if (CellSource.IsHelpRequest(code, out var helpName))
        {
            // IPython's "?name": the documentation goes to the client's pager as a payload of the reply.
            var help = _assist.Inspect(helpName, helpName.Length) ?? $"No documentation found for '{helpName}'.";
            Reply(socket, request, "execute_reply", new JsonObject
            {
                ["status"] = "ok", ["execution_count"] = count, ["user_expressions"] = new JsonObject(),
                ["payload"] = new JsonArray(new JsonObject
                {
                    ["source"] = "page", ["data"] = new JsonObject { ["text/plain"] = help }, ["start"] = 0,
                }),
            });
            return true;
        }
        var token = Interrupt.Begin();
        _bridge.BeginCell(token);
        var result = RunCell(code, token);
        var error = result.Error;
        if (error is null && result.HasValue && !silent)
        {
            try
            {
                var data = Bundle(result.Value);
                if (storeHistory && data["text/plain"] is JsonValue plain)
                {
                    _history.SetOutput(count, plain.GetValue<string>());
                }
                FlushStreams();
                _iopub.Publish("execute_result", new JsonObject
                {
                    ["execution_count"] = count, ["data"] = data, ["metadata"] = new JsonObject(),
                }, request);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = ScriptHost.RuntimeError(e, interrupted: false);
            }
        }
        FlushStreams();
        if (error is not null)
        {
            var traceback = new JsonArray(error.Traceback.Select(l => (JsonNode)JsonValue.Create(l)!).ToArray());
            _iopub.Publish("error", new JsonObject
            {
                ["ename"] = error.Name, ["evalue"] = error.Value, ["traceback"] = traceback,
            }, request);
            Reply(socket, request, "execute_reply", new JsonObject
            {
                ["status"] = "error",
                ["execution_count"] = count,
                ["ename"] = error.Name,
                ["evalue"] = error.Value,
                ["traceback"] = traceback.DeepClone(),
            });
            return false;
        }
        Reply(socket, request, "execute_reply", new JsonObject
        {
            ["status"] = "ok", ["execution_count"] = count, ["user_expressions"] = new JsonObject(), ["payload"] = new JsonArray(),
        });
        return true;
    }

    private CellResult RunCell(string code, CancellationToken token)
    {
        var task = Task.Factory.StartNew(() =>
        {
            try
            {
                return _host.Run(code, token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new CellResult { Error = ScriptHost.RuntimeError(e, token.IsCancellationRequested) };
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            task.Wait(token);
            return task.Result;
        }
        catch (OperationCanceledException)
        {
            if (task.Wait(InterruptGrace))
            {
                return task.Result;
            }
            // The cell ignores the token (a blocking call): leave it behind and keep the previous state.
            _host.Abandon();
            _log.WriteLine("kernel: an interrupted cell did not stop; it was abandoned");
            return new CellResult { Error = ScriptHost.Interrupted() };
        }
    }

    private JsonObject Bundle(object? value)
    {
        var data = new JsonObject();
        foreach (var (mime, text) in MimeBundle.For(value, _bridge.Format))
        {
            data[mime] = mime.EndsWith("json", StringComparison.Ordinal) && TryParse(text) is { } json ? json : text;
        }
        return data;
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private JsonObject Complete(JsonObject content)
    {
        var code = Text(content, "code");
        var cursor = content["cursor_pos"] is JsonValue v && v.TryGetValue<int>(out var c) ? c : code.Length;
        var (matches, start, end) = _assist.Complete(code, TextPositions.ToUtf16(code, cursor));
        return new JsonObject
        {
            ["status"] = "ok",
            ["matches"] = new JsonArray(matches.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
            ["cursor_start"] = TextPositions.ToCodePoints(code, start),
            ["cursor_end"] = TextPositions.ToCodePoints(code, end),
            ["metadata"] = new JsonObject(),
        };
    }

    private JsonObject Inspect(JsonObject content)
    {
        var code = Text(content, "code");
        var cursor = content["cursor_pos"] is JsonValue v && v.TryGetValue<int>(out var c) ? c : code.Length;
        var text = _assist.Inspect(code, TextPositions.ToUtf16(code, cursor));
        return new JsonObject
        {
            ["status"] = "ok",
            ["found"] = text is not null,
            ["data"] = text is null ? new JsonObject() : new JsonObject { ["text/plain"] = text },
            ["metadata"] = new JsonObject(),
        };
    }

    private void SendStream(string name, string text) =>
        _iopub.Publish("stream", new JsonObject { ["name"] = name, ["text"] = text }, _parent);

    private void FlushStreams()
    {
        _stdout.Flush();
        _stderr.Flush();
    }

    /// <inheritdoc/>
    public void Show(object? value, string displayId) => PublishDisplay("display_data", value, displayId);

    /// <inheritdoc/>
    public void Update(object? value, string displayId) => PublishDisplay("update_display_data", value, displayId);

    /// <inheritdoc/>
    public void Clear(bool wait)
    {
        FlushStreams();
        _iopub.Publish("clear_output", new JsonObject { ["wait"] = wait }, _parent);
    }

    private void PublishDisplay(string msgType, object? value, string displayId)
    {
        var data = Bundle(value);
        FlushStreams();
        _iopub.Publish(msgType, new JsonObject
        {
            ["data"] = data, ["metadata"] = new JsonObject(), ["transient"] = new JsonObject { ["display_id"] = displayId },
        }, _parent);
    }

    /// <summary>Closes the sockets.</summary>
    public void Dispose()
    {
        _flushTimer?.Dispose();
        _sigint?.Dispose();
        foreach (var socket in new[] { _shell, _control, _stdin, _iopubSocket, _heartbeat })
        {
            socket.Dispose();
        }
    }
}

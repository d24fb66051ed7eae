namespace Diffusion.Kernel.ZeroMq;

/// <summary>The kinds of ZeroMQ socket the kernel binds.</summary>
internal enum ZmqSocketType
{
    /// <summary>Publisher (iopub).</summary>
    Pub = LibZmq.Pub,

    /// <summary>Reply (heartbeat).</summary>
    Rep = LibZmq.Rep,

    /// <summary>Router (shell, control, stdin).</summary>
    Router = LibZmq.Router,
}

/// <summary>A ZeroMQ context: owns the I/O threads that every socket shares.</summary>
internal sealed class ZmqContext : IDisposable
{
    private IntPtr _handle = LibZmq.CtxNew();

    /// <summary>Opens a socket of the given type in this context.</summary>
    public ZmqSocket CreateSocket(ZmqSocketType type)
    {
        var socket = LibZmq.Socket(_handle, (int)type);
        if (socket == IntPtr.Zero)
        {
            throw new ZmqException("zmq_socket");
        }
        return new ZmqSocket(socket);
    }

    /// <summary>Terminates the context (every socket must be closed first).</summary>
    public void Dispose()
    {
        if (_handle != IntPtr.Zero)
        {
            LibZmq.CtxTerm(_handle);
            _handle = IntPtr.Zero;
        }
    }
}

/// <summary>A failed ZeroMQ call, with libzmq's error message.</summary>
internal sealed class ZmqException : Exception
{
    /// <summary>Creates the exception from the thread's last ZeroMQ error.</summary>
    public ZmqException(string call)
        : base($"{call}: {LibZmq.LastError(out var errno)}")
    {
        Errno = errno;
    }

    /// <summary>The errno value.</summary>
    public int Errno { get; }
}

/// <summary>
/// One ZeroMQ socket, sending and receiving multipart messages as lists of byte arrays.
/// Not thread-safe (as ZeroMQ sockets are not): each socket is used by one thread, or under a lock.
/// </summary>
internal sealed unsafe class ZmqSocket : IDisposable
{
    private IntPtr _handle;

    internal ZmqSocket(IntPtr handle)
    {
        _handle = handle;
        SetInt(LibZmq.Linger, 1000);
    }

    /// <summary>Binds to an endpoint such as tcp://127.0.0.1:5555 or ipc:///tmp/kernel-1.</summary>
    public void Bind(string endpoint)
    {
        if (LibZmq.Bind(_handle, endpoint) != 0)
        {
            throw new ZmqException($"zmq_bind({endpoint})");
        }
    }

    /// <summary>Connects to an endpoint (used by tests acting as a client).</summary>
    public void Connect(string endpoint)
    {
        if (LibZmq.Connect(_handle, endpoint) != 0)
        {
            throw new ZmqException($"zmq_connect({endpoint})");
        }
    }

    /// <summary>Sets an integer socket option.</summary>
    public void SetInt(int option, int value)
    {
        if (LibZmq.SetSockOpt(_handle, option, &value, sizeof(int)) != 0)
        {
            throw new ZmqException("zmq_setsockopt");
        }
    }

    /// <summary>Sends every frame, all but the last flagged SNDMORE. Retries on EINTR.</summary>
    public void SendMultipart(IReadOnlyList<byte[]> frames)
    {
        for (var i = 0; i < frames.Count; i++)
        {
            var flags = i < frames.Count - 1 ? LibZmq.SndMore : 0;
            fixed (byte* p = frames[i])
            {
                while (LibZmq.Send(_handle, p, (nuint)frames[i].Length, flags) < 0)
                {
                    if (LibZmq.Errno() != LibZmq.Eintr)
                    {
                        throw new ZmqException("zmq_send");
                    }
                }
            }
        }
    }

    /// <summary>Blocks until a whole multipart message arrives. Retries on EINTR (signals).</summary>
    public List<byte[]> ReceiveMultipart() => Receive(wait: true)!;

    /// <summary>Receives a message already queued, or returns null at once when there is none.</summary>
    public List<byte[]>? TryReceiveMultipart() => Receive(wait: false);

    private List<byte[]>? Receive(bool wait)
    {
        var frames = new List<byte[]>();
        var msg = stackalloc byte[LibZmq.MsgSize + 8];
        var aligned = (void*)(((nint)msg + 7) & ~(nint)7);
        while (true)
        {
            LibZmq.MsgInit(aligned);
            int rc;
            var flags = wait || frames.Count > 0 ? 0 : LibZmq.DontWait;
            while ((rc = LibZmq.MsgRecv(aligned, _handle, flags)) < 0)
            {
                var errno = LibZmq.Errno();
                if (errno == LibZmq.Eagain && flags == LibZmq.DontWait)
                {
                    LibZmq.MsgClose(aligned);
                    return null;
                }
                if (errno != LibZmq.Eintr)
                {
                    LibZmq.MsgClose(aligned);
                    throw new ZmqException("zmq_msg_recv");
                }
            }
            var size = (int)LibZmq.MsgSizeOf(aligned);
            var frame = new byte[size];
            new ReadOnlySpan<byte>(LibZmq.MsgData(aligned), size).CopyTo(frame);
            frames.Add(frame);
            var more = LibZmq.MsgMore(aligned) != 0;
            LibZmq.MsgClose(aligned);
            if (!more)
            {
                return frames;
            }
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose()
    {
        if (_handle != IntPtr.Zero)
        {
            LibZmq.Close(_handle);
            _handle = IntPtr.Zero;
        }
    }
}

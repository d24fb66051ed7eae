using System.Runtime.InteropServices;

namespace Diffusion.Kernel.ZeroMq;

/// <summary>P/Invoke declarations for Debian's libzmq5 (the C API of ZeroMQ 4).</summary>
internal static partial class LibZmq
{
    private const string LibraryName = "libzmq.so.5";

    internal const int Pub = 1;
    internal const int Rep = 4;
    internal const int Router = 6;

    internal const int Linger = 17;
    internal const int RcvMore = 13;
    internal const int Sndhwm = 23;
    internal const int RouterHandover = 56;

    internal const int DontWait = 1;
    internal const int SndMore = 2;

    internal const int Eintr = 4;
    internal const int Eagain = 11;
    internal const int Eterm = 156384765;

    /// <summary>Size of the opaque zmq_msg_t (64 bytes in ZeroMQ 4).</summary>
    internal const int MsgSize = 64;

    [LibraryImport(LibraryName, EntryPoint = "zmq_ctx_new")]
    internal static partial IntPtr CtxNew();

    [LibraryImport(LibraryName, EntryPoint = "zmq_ctx_term")]
    internal static partial int CtxTerm(IntPtr context);

    [LibraryImport(LibraryName, EntryPoint = "zmq_socket")]
    internal static partial IntPtr Socket(IntPtr context, int type);

    [LibraryImport(LibraryName, EntryPoint = "zmq_close")]
    internal static partial int Close(IntPtr socket);

    [LibraryImport(LibraryName, EntryPoint = "zmq_bind", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Bind(IntPtr socket, string endpoint);

    [LibraryImport(LibraryName, EntryPoint = "zmq_connect", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Connect(IntPtr socket, string endpoint);

    [LibraryImport(LibraryName, EntryPoint = "zmq_setsockopt")]
    internal static unsafe partial int SetSockOpt(IntPtr socket, int option, void* value, nuint size);

    [LibraryImport(LibraryName, EntryPoint = "zmq_getsockopt")]
    internal static unsafe partial int GetSockOpt(IntPtr socket, int option, void* value, nuint* size);

    [LibraryImport(LibraryName, EntryPoint = "zmq_send")]
    internal static unsafe partial int Send(IntPtr socket, byte* buffer, nuint length, int flags);

    [LibraryImport(LibraryName, EntryPoint = "zmq_msg_init")]
    internal static unsafe partial int MsgInit(void* message);

    [LibraryImport(LibraryName, EntryPoint = "zmq_msg_recv")]
    internal static unsafe partial int MsgRecv(void* message, IntPtr socket, int flags);

    [LibraryImport(LibraryName, EntryPoint = "zmq_msg_data")]
    internal static unsafe partial byte* MsgData(void* message);

    [LibraryImport(LibraryName, EntryPoint = "zmq_msg_size")]
    internal static unsafe partial nuint MsgSizeOf(void* message);

    [LibraryImport(LibraryName, EntryPoint = "zmq_msg_more")]
    internal static unsafe partial int MsgMore(void* message);

    [LibraryImport(LibraryName, EntryPoint = "zmq_msg_close")]
    internal static unsafe partial int MsgClose(void* message);

    [LibraryImport(LibraryName, EntryPoint = "zmq_errno")]
    internal static partial int Errno();

    [LibraryImport(LibraryName, EntryPoint = "zmq_strerror")]
    internal static partial IntPtr StrError(int error);

    /// <summary>The message of the last ZeroMQ error on this thread.</summary>
    internal static string LastError(out int errno)
    {
        errno = Errno();
        return Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";
    }
}

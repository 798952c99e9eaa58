// What sockfs publishes under /proc/net (Linux's net/unix/af_unix.c seq file and
// net/socket.c's sockstat): /proc/net/unix, one line per socket not yet released, and
// /proc/net/sockstat with the number of live socket objects (UnixSocket::live_count, the
// figure the init leak check compares).
//
// The lines are printed while s_all_lock is held (a socket cannot be destroyed meanwhile) and
// each socket's m_lock only while its fields are copied; the sink may allocate, which is
// allowed under spinlocks here.
#include <drivers/Console.h>
#include <fs/procfs/ProcNet.h>
#include <lib/Format.h>
#include <sockfs/UnixSocket.h>

namespace sk {

namespace {

constexpr u32 so_acceptcon = 1u << 16; // __SO_ACCEPTCON
constexpr u32 ss_unconnected = 1, ss_connecting = 2, ss_connected = 3;

void emit(FormatSink sink, void* context, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
void emit(FormatSink sink, void* context, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vformat_to(sink, context, fmt, ap);
    va_end(ap);
}

void describe_sockstat(FormatSink sink, void* context)
{
    emit(sink, context, "sockets: used %lu\n", UnixSocket::live_count());
}

struct Publish {
    Publish()
    {
        if (!proc_register_net_file("unix", UnixSocket::describe_all)
            || !proc_register_net_file("sockstat", describe_sockstat))
            kprintf("sockfs: cannot publish /proc/net files\n");
    }
} s_publish;

} // namespace

void UnixSocket::describe_all(FormatSink sink, void* context)
{
    emit(sink, context, "Num       RefCount Protocol Flags    Type St Inode Path\n");
    SpinlockGuard all(s_all_lock);
    for (auto& socket : s_all) {
        u32 references = socket.ref_count();
        u64 ino = socket.m_ino.load(std::memory_order_relaxed);
        State state;
        UnixAddress address;
        {
            SpinlockGuard guard(socket.m_lock);
            if (socket.m_dead)
                continue;
            state = socket.m_state;
            address = socket.m_address;
        }
        // A connection not accepted yet has no file: Linux shows it as SS_CONNECTING.
        u32 ss = state == State::Connected ? (ino ? ss_connected : ss_connecting) : ss_unconnected;
        emit(sink, context, "0000000000000000: %08X %08X %08X %04X %02X %5lu", references, 0u,
            state == State::Listening ? so_acceptcon : 0u, static_cast<u32>(socket.m_type), ss, ino);
        if (!address.is_unnamed()) {
            // A path as is; an abstract name with '@' for its leading NUL and any other NUL.
            char path[net::sun_path_max + 2];
            StringView bytes = address.bytes();
            size_t length = 0;
            path[length++] = ' ';
            for (size_t i = 0; i < bytes.length(); ++i)
                path[length++] = bytes[i] ? bytes[i] : '@';
            sink(context, path, length);
        }
        sink(context, "\n", 1);
    }
}

} // namespace sk

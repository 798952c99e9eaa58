// sockfs and its FileOperations (see SockFileSystem.h).
#include <asm-generic/poll.h>
#include <linux/stat.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>
#include <sockfs/SockFileSystem.h>

namespace sk {

namespace {

class SocketFile final : public FileOperations {
public:
    Result<size_t> read(OpenFile& file, const IoBuffer& buffer, size_t length) override
    {
        auto result = TRY(socket(file).receive(file, buffer, length, 0));
        return result.result;
    }
    Result<size_t> write(OpenFile& file, const IoBuffer& buffer, size_t length) override
    {
        // write(2) passes no caller context: no address, no control data, so none is needed.
        SocketSendRequest request;
        request.data = &buffer;
        request.length = length;
        auto& unix_socket = socket(file);
        auto sent = unix_socket.send(file, request, nullptr);
        // write(2) has no MSG_NOSIGNAL: a broken stream raises SIGPIPE, as a pipe does.
        if (sent.is_error() && sent.error().code == EPIPE && unix_socket.raises_sigpipe())
            send_signal_to_current_thread(SIGPIPE);
        return sent;
    }
    u32 poll(OpenFile& file, PollTable* table) override { return socket(file).poll(table); }
    bool can_poll() const override { return true; }
    Result<long> ioctl(OpenFile& file, unsigned long request, uptr argument) override
    {
        return socket(file).ioctl(request, argument);
    }
    void release(OpenFile& file) override { socket(file).release(); }

private:
    static UnixSocket& socket(OpenFile& file)
    {
        auto* socket = UnixSocket::from_file(file);
        VERIFY(socket);
        return *socket;
    }
};

} // namespace

static SockFileSystem* s_sockfs;

Result<SockFileSystem*> SockFileSystem::try_the()
{
    static Spinlock s_creation_lock;
    SpinlockGuard guard(s_creation_lock);
    if (!s_sockfs) {
        auto fs = TRY(try_make_ref<SockFileSystem>());
        fs->m_file_operations = TRY(try_make_ref<SocketFile>());
        s_sockfs = fs.leak(); // lives for the kernel's lifetime
    }
    return s_sockfs;
}

UnixSocket* UnixSocket::from_file(OpenFile& file)
{
    Inode* inode = file.inode();
    if (!inode || !s_sockfs || &inode->fs() != s_sockfs)
        return nullptr;
    return &static_cast<SockInode*>(inode)->socket();
}

Result<RefPtr<OpenFile>> SockFileSystem::try_open(RefPtr<UnixSocket> socket, u32 uid, u32 gid, u32 flags)
{
    UnixSocket& raw = *socket;
    u64 ino = m_next_ino.fetch_add(1, std::memory_order_relaxed);
    auto inode = TRY(try_make_ref<SockInode>(*this, ino, std::move(socket), uid, gid));
    auto file = TRY(OpenFile::try_create(m_file_operations, std::move(inode), nullptr, flags));
    raw.m_file = file.ptr();
    raw.m_ino.store(ino, std::memory_order_relaxed);
    return file;
}

SockInode::SockInode(FileSystem& fs, u64 ino, RefPtr<UnixSocket> socket, u32 uid, u32 gid)
    : PseudoInode(fs, ino, S_IFSOCK | 0777, uid, gid)
    , m_socket(std::move(socket))
{
}

} // namespace sk

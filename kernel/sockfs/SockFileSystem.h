// sockfs: the pseudo-filesystem that gives every socket an inode (Linux's sockfs). It is
// never mounted; its inodes exist only behind socket OpenFiles. A SockInode is S_IFSOCK,
// mode 0777 owned by the socket's creator (fchmod/fchown on the fd change it, and a path
// bind creates its node with this mode & ~umask); fstat on the fd reports it.
//
// SocketFile is the FileOperations shared by every socket file: read/write/poll/ioctl/release
// forward to the UnixSocket behind the file's inode.
//
// Ownership: OpenFile → SockInode → UnixSocket, all strong.
#pragma once

#include <lib/RefPtr.h>
#include <sockfs/UnixSocket.h>
#include <vfs/FileOperations.h>
#include <vfs/PseudoFileSystem.h>

namespace sk {

constexpr u64 sockfs_magic = 0x534F434B; // SOCKFS_MAGIC

class SockInode final : public PseudoInode {
public:
    SockInode(FileSystem& fs, u64 ino, RefPtr<UnixSocket> socket, u32 uid, u32 gid);
    UnixSocket& socket() const { return *m_socket; }

private:
    RefPtr<UnixSocket> m_socket; // strong
};

class SockFileSystem final : public PseudoFileSystem {
public:
    // The one instance, created on first use (ENOMEM).
    static Result<SockFileSystem*> try_the();
    SockFileSystem()
        : PseudoFileSystem("sockfs", sockfs_magic)
    {
    }

    // Wraps a socket (new, from socketpair or from accept) in an inode owned by uid/gid and an
    // open file with the given status flags (O_RDWR | maybe O_NONBLOCK).
    Result<RefPtr<OpenFile>> try_open(RefPtr<UnixSocket> socket, u32 uid, u32 gid, u32 flags);

private:
    std::atomic<u64> m_next_ino { 1 };
    RefPtr<FileOperations> m_file_operations;
};

} // namespace sk

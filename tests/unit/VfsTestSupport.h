// Shared helpers for the VFS, tmpfs, permission and devfs host tests: a fresh
// VirtualFileSystem with a tmpfs root per test, credentials builders, and file helpers that
// move data through kernel IoBuffers (host user copies always fail).
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <stdexcept>
#include <string>

#include <fs/tmpfs/TmpfsFileSystem.h>
#include <lib/IoBuffer.h>
#include <vfs/FileMode.h>
#include <vfs/OpenFile.h>
#include <vfs/Permission.h>
#include <vfs/VirtualFileSystem.h>

namespace sk::test {

// Unwraps a Result or fails the current test (gtest reports the exception).
template<typename T>
T must(Result<T>&& result, const char* what = "operation")
{
    if (result.is_error())
        throw std::runtime_error(std::string(what) + " failed with errno " + std::to_string(result.error().code));
    return result.release_value();
}
inline void must(Result<void>&& result, const char* what = "operation")
{
    if (result.is_error())
        throw std::runtime_error(std::string(what) + " failed with errno " + std::to_string(result.error().code));
}

template<typename T>
int error_of(const Result<T>& result) { return result.is_error() ? result.error().code : 0; }

#define MUST(expr) ::sk::test::must((expr), #expr)
#define EXPECT_ERRNO(expr, code) EXPECT_EQ(::sk::test::error_of((expr)), (code)) << #expr
#define EXPECT_OK(expr) EXPECT_EQ(::sk::test::error_of((expr)), 0) << #expr

inline Credentials user_credentials(u32 uid, u32 gid, std::initializer_list<u32> groups = {})
{
    Credentials credentials;
    credentials.uid = credentials.euid = credentials.suid = credentials.fsuid = uid;
    credentials.gid = credentials.egid = credentials.sgid = credentials.fsgid = gid;
    for (u32 group : groups)
        credentials.groups[credentials.group_count++] = group;
    return credentials;
}

class VfsTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        root_fs = MUST(TmpfsFileSystem::try_create(0755));
        MUST(vfs.mount_root(root_fs, "rootfs"));
    }

    Custody& root() { return *vfs.root_custody(); }

    RefPtr<OpenFile> open(StringView path, u32 flags, u32 mode = 0644, const Credentials& credentials = Credentials::root(), u32 umask = 0)
    {
        return MUST(vfs.open(root(), path, flags, mode, credentials, umask));
    }

    void write_file(StringView path, const std::string& contents, const Credentials& credentials = Credentials::root(), u32 mode = 0644)
    {
        auto file = MUST(vfs.open(root(), path, O_WRONLY | O_CREAT | O_TRUNC, mode, credentials, 0));
        size_t written = MUST(file->ops().write(*file, IoBuffer::kernel(contents.data(), contents.size()), contents.size()));
        ASSERT_EQ(written, contents.size());
    }

    std::string read_file(StringView path)
    {
        auto file = MUST(vfs.open(root(), path, O_RDONLY, 0, Credentials::root(), 0));
        std::string contents;
        char chunk[1000];
        for (;;) {
            size_t n = MUST(file->ops().read(*file, IoBuffer::kernel(chunk, sizeof(chunk)), sizeof(chunk)));
            if (n == 0)
                return contents;
            contents.append(chunk, n);
        }
    }

    FileStat stat(StringView path, u32 at_flags = 0) { return MUST(vfs.stat(root(), path, Credentials::root(), at_flags)); }

    void mkdir(StringView path, u32 mode = 0755, const Credentials& credentials = Credentials::root())
    {
        MUST(vfs.mkdir(root(), path, mode, credentials, 0));
    }

    void symlink(StringView target, StringView path) { MUST(vfs.symlink(target, root(), path, Credentials::root())); }

    std::string path_of(Custody& custody)
    {
        char buffer[path_max];
        size_t length = MUST(custody.absolute_path(buffer, sizeof(buffer)));
        return std::string(buffer, length);
    }

    VirtualFileSystem vfs;
    RefPtr<TmpfsFileSystem> root_fs;
};

} // namespace sk::test

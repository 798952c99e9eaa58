// Helpers for the ext2 host tests: temporary directories, e2fsprogs (mke2fs, e2fsck,
// debugfs) invocations, mounting an image file through Sockeye's ext2, and reading/writing
// whole files through the Inode interface.
#pragma once

#include "FileBlockDevice.h"
#include <fs/ext2/Ext2Inode.h>
#include <string>

namespace sk::test {

struct CommandResult {
    int status { -1 };
    std::string output;
};
CommandResult run_command(const std::string& command); // stdout and stderr together
std::string shell_quote(const std::string& text);

class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return m_path; }
    std::string operator/(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

void write_host_file(const std::string& path, const std::string& data);
std::string read_host_file(const std::string& path);

// mke2fs -t ext2 with root owned by 0:0 and no resize inode; source_dir may be empty.
// Returns mke2fs's output on failure (an empty string on success).
std::string make_ext2_image(const std::string& image, unsigned block_size, unsigned size_kib, const std::string& source_dir = "",
    const std::string& extra_options = "");
CommandResult fsck_image(const std::string& image); // e2fsck -fn
std::string debugfs(const std::string& image, const std::string& request);
// debugfs dump of a file into a host file, returned as bytes ("<missing>" on failure).
std::string debugfs_cat(const std::string& image, const std::string& path, const TempDir& scratch);

RefPtr<Ext2FileSystem> mount_image(const std::string& image, KString* reason = nullptr, size_t cache_blocks = 64);

std::string read_all(Inode& inode);
Result<size_t> write_string(Inode& inode, u64 offset, const std::string& data);
RefPtr<Inode> walk(Ext2FileSystem& fs, const std::string& path); // null if any step fails
std::string pattern(size_t length, unsigned seed); // deterministic bytes
void install_test_clock();

} // namespace sk::test

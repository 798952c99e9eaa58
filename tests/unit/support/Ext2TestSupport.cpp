#include "Ext2TestSupport.h"
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <lib/IoBuffer.h>
#include <sstream>
#include <sys/wait.h>
#include <vfs/Clock.h>

namespace sk::test {

CommandResult run_command(const std::string& command)
{
    CommandResult result;
    std::string full = command + " 2>&1";
    FILE* pipe = popen(full.c_str(), "r");
    if (!pipe)
        return result;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
        result.output.append(buffer, n);
    int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string shell_quote(const std::string& text)
{
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'')
            quoted += "'\\''";
        else
            quoted += c;
    }
    return quoted + "'";
}

TempDir::TempDir()
{
    char name[] = "/tmp/sockeye-ext2-XXXXXX";
    if (mkdtemp(name))
        m_path = name;
}

TempDir::~TempDir()
{
    if (!m_path.empty())
        run_command("rm -rf " + shell_quote(m_path));
}

void write_host_file(const std::string& path, const std::string& data)
{
    std::ofstream out(path, std::ios::binary);
    out.write(data.data(), std::streamsize(data.size()));
}

std::string read_host_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return "<missing>";
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
}

std::string make_ext2_image(const std::string& image, unsigned block_size, unsigned size_kib, const std::string& source_dir,
    const std::string& extra_options)
{
    std::string command = "mke2fs -q -F -t ext2 -b " + std::to_string(block_size) + " -O ^resize_inode -E root_owner=0:0 " + extra_options;
    if (!source_dir.empty())
        command += " -d " + shell_quote(source_dir);
    command += " " + shell_quote(image) + " " + std::to_string(size_kib) + "k";
    auto result = run_command("E2FSPROGS_FAKE_TIME=1700000000 " + command);
    if (result.status != 0)
        return "mke2fs failed: " + result.output;
    return "";
}

CommandResult fsck_image(const std::string& image) { return run_command("e2fsck -fn " + shell_quote(image)); }

std::string debugfs(const std::string& image, const std::string& request)
{
    return run_command("debugfs -R " + shell_quote(request) + " " + shell_quote(image)).output;
}

std::string debugfs_cat(const std::string& image, const std::string& path, const TempDir& scratch)
{
    std::string out = scratch / "debugfs-dump";
    run_command("rm -f " + shell_quote(out));
    debugfs(image, "dump " + path + " " + out);
    return read_host_file(out);
}

RefPtr<Ext2FileSystem> mount_image(const std::string& image, KString* reason, size_t cache_blocks)
{
    auto device = FileBlockDevice::open(image);
    if (!device)
        return nullptr;
    Ext2FileSystem::MountOptions options;
    options.cache_blocks = cache_blocks;
    auto fs = Ext2FileSystem::try_mount(device, options, reason);
    if (fs.is_error())
        return nullptr;
    return fs.release_value();
}

std::string read_all(Inode& inode)
{
    std::string data;
    char buffer[8192];
    u64 offset = 0;
    for (;;) {
        auto n = inode.read_at(offset, IoBuffer::kernel(buffer, sizeof(buffer)), sizeof(buffer));
        if (n.is_error())
            return "<error " + std::to_string(n.error().code) + ">";
        if (n.value() == 0)
            return data;
        data.append(buffer, n.value());
        offset += n.value();
    }
}

Result<size_t> write_string(Inode& inode, u64 offset, const std::string& data)
{
    return inode.write_at(offset, IoBuffer::kernel(data.data(), data.size()), data.size());
}

RefPtr<Inode> walk(Ext2FileSystem& fs, const std::string& path)
{
    RefPtr<Inode> current = fs.root();
    size_t position = 0;
    while (current && position < path.size()) {
        size_t slash = path.find('/', position);
        if (slash == std::string::npos)
            slash = path.size();
        if (slash > position) {
            auto next = current->lookup(StringView(path.data() + position, slash - position));
            if (next.is_error())
                return nullptr;
            current = next.release_value();
        }
        position = slash + 1;
    }
    return current;
}

std::string pattern(size_t length, unsigned seed)
{
    std::string data(length, '\0');
    u32 state = seed * 2654435761u + 1;
    for (size_t i = 0; i < length; ++i) {
        state = state * 1103515245u + 12345u;
        data[i] = char(state >> 16);
    }
    return data;
}

static Timespec test_clock() { return Timespec { 1700000000, 123456789 }; }
void install_test_clock() { set_filesystem_clock(test_clock); }

} // namespace sk::test

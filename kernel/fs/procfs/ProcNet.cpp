// The /proc/net file table (see ProcNet.h).
#include <fs/procfs/ProcNet.h>
#include <fs/procfs/ProcText.h>
#include <lib/Spinlock.h>

namespace sk {

namespace {

struct NetFile {
    const char* name;
    ProcNetGenerator generate;
};

constexpr size_t max_net_files = 8;
Spinlock s_lock;
NetFile s_files[max_net_files];
size_t s_count; // entries below it are complete and never change

} // namespace

bool proc_register_net_file(const char* name, ProcNetGenerator generate)
{
    SpinlockGuard guard(s_lock);
    if (s_count == max_net_files)
        return false;
    s_files[s_count] = NetFile { name, generate };
    __atomic_store_n(&s_count, s_count + 1, __ATOMIC_RELEASE);
    return true;
}

size_t proc_net_file_count() { return __atomic_load_n(&s_count, __ATOMIC_ACQUIRE); }

const char* proc_net_file_name(size_t index) { return index < proc_net_file_count() ? s_files[index].name : nullptr; }

bool proc_net_file_find(StringView name, u32& index)
{
    size_t count = proc_net_file_count();
    for (size_t i = 0; i < count; ++i) {
        if (name == StringView(s_files[i].name)) {
            index = static_cast<u32>(i);
            return true;
        }
    }
    return false;
}

Result<void> generate_net_file(u32 index, ProcText& text)
{
    if (index >= proc_net_file_count())
        return Error { ENOENT };
    s_files[index].generate([](void* context, const char* chars,
                                size_t length) { static_cast<ProcText*>(context)->append_bytes(chars, length); },
        &text);
    return text.status();
}

} // namespace sk

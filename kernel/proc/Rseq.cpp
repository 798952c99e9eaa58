// rseq: registration rules (EINVAL, EBUSY, EPERM) and the resume-time fixup, both after
// Linux's kernel/rseq.c. One CPU runs user code here, so the cpu fields are always 0.
#include <arch/Arch.h>
#include <lib/UserCopy.h>
#include <proc/Rseq.h>

namespace sk {

namespace {

constexpr u32 flag_unregister = 1;
constexpr u32 original_size = 32; // struct rseq up to mm_cid, and its alignment
constexpr u32 cpu_id_uninitialized = static_cast<u32>(-1);

// struct rseq's kernel-written fields, at their offsets.
constexpr size_t offset_cpu_id_start = 0, offset_rseq_cs = 8, offset_node_id = 20;

struct CpuFields {
    u32 cpu_id_start;
    u32 cpu_id;
};
struct NodeFields {
    u32 node_id;
    u32 mm_cid;
};

// struct rseq_cs
struct CriticalSection {
    u32 version;
    u32 flags;
    u64 start_ip;
    u64 post_commit_offset;
    u64 abort_ip;
};

Result<void> write_cpu_fields(uptr area, u32 cpu_id)
{
    CpuFields cpu { 0, cpu_id };
    NodeFields node { 0, 0 };
    TRY(copy_to_user(area + offset_cpu_id_start, &cpu, sizeof(cpu)));
    return copy_to_user(area + offset_node_id, &node, sizeof(node));
}

// Reads the critical section rseq_cs points at and checks it (EINVAL for an invalid one:
// outside user space, a later version, deprecated flags, the abort handler inside the
// section, or no signature before the handler).
Result<CriticalSection> read_critical_section(uptr address, u32 signature)
{
    constexpr uptr end = arch::user_space_end;
    if (address >= end)
        return Error { EINVAL };
    CriticalSection section;
    TRY(copy_from_user(&section, address, sizeof(section)));
    u64 post_commit;
    if (section.version > 0 || section.flags != 0 || section.start_ip >= end
        || __builtin_add_overflow(section.start_ip, section.post_commit_offset, &post_commit) || post_commit >= end
        || section.abort_ip >= end || section.abort_ip < 4
        || section.abort_ip - section.start_ip < section.post_commit_offset)
        return Error { EINVAL };
    u32 found;
    TRY(copy_from_user(&found, section.abort_ip - 4, sizeof(found)));
    if (found != signature)
        return Error { EINVAL };
    return section;
}

Result<void> fix_up_instruction_pointer(const Thread::RseqRegistration& rseq, TrapFrame& frame)
{
    u64 pointer;
    TRY(copy_from_user(&pointer, rseq.area + offset_rseq_cs, sizeof(pointer)));
    if (!pointer)
        return {};
    auto section = TRY(read_critical_section(pointer, rseq.signature));
    // Inside the section or not, the kernel clears rseq_cs once it has looked (Linux).
    u64 cleared = 0;
    TRY(copy_to_user(rseq.area + offset_rseq_cs, &cleared, sizeof(cleared)));
    if (frame.sepc - section.start_ip < section.post_commit_offset)
        frame.sepc = section.abort_ip;
    return {};
}

} // namespace

Result<long> rseq_register(Thread& thread, uptr area, u32 length, u32 flags, u32 signature)
{
    auto& rseq = thread.rseq;
    if (flags & flag_unregister) {
        if (flags & ~flag_unregister)
            return Error { EINVAL };
        if (rseq.area != area || rseq.length != length)
            return Error { EINVAL };
        if (rseq.signature != signature)
            return Error { EPERM };
        TRY(write_cpu_fields(area, cpu_id_uninitialized));
        rseq = {};
        return 0;
    }
    if (flags)
        return Error { EINVAL };
    if (rseq.area) {
        if (rseq.area != area || rseq.length != length)
            return Error { EINVAL };
        if (rseq.signature != signature)
            return Error { EPERM };
        return Error { EBUSY };
    }
    if (length < original_size || area % original_size)
        return Error { EINVAL };
    if (area >= arch::user_space_end || length > arch::user_space_end - area)
        return Error { EFAULT };
    rseq = { area, length, signature, true };
    return 0;
}

bool rseq_resume(Thread& thread, TrapFrame& frame)
{
    auto& rseq = thread.rseq;
    rseq.resume_pending = false;
    if (!rseq.area)
        return true;
    return !fix_up_instruction_pointer(rseq, frame).is_error() && !write_cpu_fields(rseq.area, 0).is_error();
}

void rseq_inherit(Thread& child, const Thread& parent, bool shares_memory)
{
    child.rseq = shares_memory ? Thread::RseqRegistration {} : parent.rseq;
}

void rseq_forget(Thread& thread) { thread.rseq = {}; }

} // namespace sk

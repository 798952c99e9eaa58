// selftest=vm: address spaces end to end on the boot thread — demand-zero pages through
// copy_{to,from}_user, mmap placement and MAP_FIXED splitting, fork's copy-on-write in both
// directions, anonymous shared memory across a clone, munmap/mprotect/madvise, brk, kernel
// access to an inactive space, and a leak check: frames, page tables and spaces must all
// return to their baseline once both spaces are gone.
//
// The boot thread has no process, so the test points handle_user_page_fault at the space it
// activates (AddressSpace::set_kernel_thread_space).
#include <arch/Arch.h>
#include <drivers/Console.h>
#include <lib/IoBuffer.h>
#include <lib/UserCopy.h>
#include <mm/AddressSpace.h>
#include <mm/FrameAllocator.h>
#include <mm/Heap.h>
#include <selftest/SelfTest.h>
#include <string.h>
#include <vfs/FileSystem.h>
#include <vfs/OpenFile.h>

namespace sk::selftest {

namespace {

constexpr size_t page = arch::page_size;
constexpr u32 rw = AddressSpace::Read | AddressSpace::Write;
constexpr u32 anonymous_private = AddressSpace::Private | AddressSpace::Anonymous;
constexpr u32 anonymous_shared = AddressSpace::Shared | AddressSpace::Anonymous;

bool s_ok;

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            kprintf("vm: check failed at line %d: %s\n", __LINE__, #cond);                                             \
            s_ok = false;                                                                                              \
        }                                                                                                              \
    } while (0)

void use(AddressSpace& space)
{
    space.activate();
    AddressSpace::set_kernel_thread_space(&space);
}

// The byte at address as user space sees it, or -1 for EFAULT.
int peek(uptr address)
{
    u8 value;
    if (copy_from_user(&value, address, 1).is_error())
        return -1;
    return value;
}

bool poke(uptr address, u8 value) { return !copy_to_user(address, &value, 1).is_error(); }

int error_of(const Result<uptr>& result) { return result.is_error() ? result.error().code : 0; }
int error_of(const Result<void>& result) { return result.is_error() ? result.error().code : 0; }

void test_mapping_basics(AddressSpace& space, uptr& base)
{
    auto mapped = space.map(0, 16 * page, rw, anonymous_private, nullptr, 0);
    CHECK(!mapped.is_error());
    if (mapped.is_error())
        return;
    base = mapped.value();
    CHECK(base % page == 0 && base + 16 * page <= AddressSpace::mmap_base);

    // Demand-zero, then a pattern across page boundaries.
    static u8 buffer[16 * page];
    CHECK(!copy_from_user(buffer, base, sizeof(buffer)).is_error());
    bool zero = true;
    for (u8 byte : buffer)
        zero &= byte == 0;
    CHECK(zero);
    for (size_t i = 0; i < sizeof(buffer); ++i)
        buffer[i] = static_cast<u8>(i / page + 1);
    CHECK(!copy_to_user(base, buffer, sizeof(buffer)).is_error());
    CHECK(peek(base) == 1 && peek(base + 5 * page + 7) == 6 && peek(base + 16 * page - 1) == 16);
    CHECK(peek(base + 16 * page) == -1); // just past the region
    CHECK(space.resident_pages() == 16 && space.virtual_size() == 16 * page);

    // A free hint is taken; an occupied one is not.
    auto hinted = space.map(0x10000000, page, rw, anonymous_private, nullptr, 0);
    CHECK(!hinted.is_error() && hinted.value() == 0x10000000);
    auto moved = space.map(base, page, rw, anonymous_private, nullptr, 0);
    CHECK(!moved.is_error() && moved.value() != base);

    // MAP_FIXED_NOREPLACE refuses; MAP_FIXED replaces the middle (the region splits).
    CHECK(error_of(space.map(base + page, page, rw, anonymous_private | AddressSpace::FixedNoReplace, nullptr, 0))
        == EEXIST);
    auto fixed = space.map(base + 3 * page, page, rw, anonymous_private | AddressSpace::Fixed, nullptr, 0);
    CHECK(!fixed.is_error() && fixed.value() == base + 3 * page);
    CHECK(peek(base + 3 * page) == 0 && peek(base + 2 * page) == 3 && peek(base + 4 * page) == 5);
    CHECK(poke(base + 3 * page, 4));

    // Bad input is an error, never a panic.
    CHECK(error_of(space.map(0, 0, rw, anonymous_private, nullptr, 0)) == EINVAL);
    CHECK(error_of(space.map(0, page, rw, AddressSpace::Anonymous, nullptr, 0)) == EINVAL);
    CHECK(error_of(space.map(base + 1, page, rw, anonymous_private | AddressSpace::Fixed, nullptr, 0)) == EINVAL);
    CHECK(error_of(
              space.map(arch::user_space_end - page, 2 * page, rw, anonymous_private | AddressSpace::Fixed, nullptr, 0))
        == ENOMEM);
    CHECK(error_of(space.map(0, ~0ul, rw, anonymous_private, nullptr, 0)) == ENOMEM);
    CHECK(error_of(space.unmap(base + 1, page)) == EINVAL);
    CHECK(error_of(space.protect(base, page, 8)) == EINVAL);
    CHECK(peek(arch::user_space_end) == -1);
}

void test_fork(AddressSpace& parent, uptr base)
{
    auto shared_mapping = parent.map(0, 2 * page, rw, anonymous_shared, nullptr, 0);
    CHECK(!shared_mapping.is_error());
    if (shared_mapping.is_error())
        return;
    uptr shared = shared_mapping.value();
    CHECK(poke(shared, 's')); // page 0 populated before the fork, page 1 not

    auto cloned = parent.try_clone();
    CHECK(!cloned.is_error());
    if (cloned.is_error())
        return;
    auto child = cloned.release_value();
    u64 frames_after_clone = frames::stats().free;

    // Parent writes: the child keeps the old contents.
    CHECK(poke(base, 'P'));
    use(*child);
    CHECK(peek(base) == 1 && peek(base + 3 * page) == 4);
    // Child writes: the parent keeps its contents.
    CHECK(poke(base + page, 'C'));
    CHECK(peek(base + page) == 'C');
    // Futex keys: shared memory has the same key in both spaces, private memory does not.
    auto child_key = child->memory_key(shared + 8), parent_key = parent.memory_key(shared + 8);
    CHECK(!child_key.is_error() && !parent_key.is_error() && child_key.value() == parent_key.value());
    auto private_key = parent.memory_key(base + 8);
    CHECK(!private_key.is_error() && !(private_key.value() == child->memory_key(base + 8).value()));
    CHECK(child->memory_key(0x1000).is_error());
    // Shared memory is shared both ways, populated before the fork or not.
    CHECK(peek(shared) == 's');
    CHECK(poke(shared + page, 'x'));
    CHECK(poke(shared, 't'));
    use(parent);
    CHECK(peek(base) == 'P' && peek(base + page) == 2);
    CHECK(peek(shared + page) == 'x' && peek(shared) == 't');
    // Two private copies were made (base in the parent, base + page in the child), shared
    // page 1 was populated once: three frames.
    CHECK(frames_after_clone - frames::stats().free == 3);

    // The last sharer of a frame takes it over without a copy.
    u64 before = frames::stats().free;
    CHECK(poke(base + page, 'Q')); // the child has its own copy: this frame is the parent's alone
    CHECK(frames::stats().free == before);

    // Kernel access to the inactive child space (exec's stack building, /proc).
    const char message[] = "hello, child";
    CHECK(!child->write_memory(base + 8 * page - 4, message, sizeof(message)).is_error());
    char back[sizeof(message)] = {};
    CHECK(!child->read_memory(base + 8 * page - 4, back, sizeof(back)).is_error());
    CHECK(memcmp(back, message, sizeof(message)) == 0);
    CHECK(peek(base + 8 * page - 4) == 8); // the parent's page is untouched
    CHECK(error_of(child->read_memory(0x1000, back, 1)) == EFAULT);
    // Written through the kernel even where user space may not write (ptrace-like).
    CHECK(!child->protect(base + 9 * page, page, AddressSpace::Read).is_error());
    CHECK(!child->write_memory(base + 9 * page, message, 4).is_error());
    use(*child);
    CHECK(peek(base + 9 * page) == 'h' && !poke(base + 9 * page, 0));
    use(parent);
    CHECK(peek(base + 9 * page) == 10);
}

void test_unmap_protect_discard(AddressSpace& space, uptr base)
{
    // munmap in the middle: the pages are gone, the neighbours stay.
    CHECK(!space.unmap(base + 10 * page, 2 * page).is_error());
    CHECK(peek(base + 10 * page) == -1 && peek(base + 11 * page + 100) == -1);
    CHECK(peek(base + 9 * page) == 10 && peek(base + 12 * page) == 13);
    CHECK(!space.unmap(base + 10 * page, 2 * page).is_error()); // unmapping nothing is fine

    // mprotect read-only: reads work, writes fault; back to RW writes again.
    CHECK(!space.protect(base + 4 * page, 2 * page, AddressSpace::Read).is_error());
    CHECK(!poke(base + 4 * page, 0) && !poke(base + 5 * page + 1, 0));
    CHECK(peek(base + 4 * page) == 5 && peek(base + 6 * page) == 7 && poke(base + 6 * page, 7));
    CHECK(!space.protect(base + 4 * page, 2 * page, rw).is_error());
    CHECK(poke(base + 4 * page, 'w') && peek(base + 4 * page) == 'w');
    // PROT_NONE keeps the contents for later.
    CHECK(!space.protect(base + 6 * page, page, 0).is_error());
    CHECK(peek(base + 6 * page) == -1);
    CHECK(!space.protect(base + 6 * page, page, AddressSpace::Read).is_error());
    CHECK(peek(base + 6 * page) == 7);
    // ENOMEM over a hole; nothing changes.
    CHECK(error_of(space.protect(base + 9 * page, 4 * page, AddressSpace::Read)) == ENOMEM);
    CHECK(poke(base + 9 * page, 10));

    // MADV_DONTNEED: private anonymous pages read back as zero.
    CHECK(!space.discard(base + 7 * page, page).is_error());
    CHECK(peek(base + 7 * page) == 0 && peek(base + 8 * page) == 9);
    CHECK(error_of(space.discard(base + 9 * page, 2 * page)) == ENOMEM);
}

void test_brk(AddressSpace& space)
{
    constexpr uptr heap = 0x200000;
    CHECK(space.set_brk(heap) == 0); // no heap before exec sets the base
    space.set_brk_base(heap + 0x10);
    CHECK(space.set_brk(0) == heap + 0x10);
    CHECK(space.set_brk(heap + 3 * page + 5) == heap + 3 * page + 5);
    CHECK(poke(heap + page, 'h') && poke(heap + 3 * page + 4, 'e') && peek(heap + 4 * page) == -1);
    CHECK(space.set_brk(heap + page + 1) == heap + page + 1);
    CHECK(peek(heap + 2 * page) == -1 && peek(heap + page) == 'h' && peek(heap) == -1);
    // It never grows over another mapping: the old break stays.
    auto blocker = space.map(heap + 8 * page, page, rw, anonymous_private | AddressSpace::Fixed, nullptr, 0);
    CHECK(!blocker.is_error());
    CHECK(space.set_brk(heap + 10 * page) == heap + page + 1);
    CHECK(space.set_brk(heap + 8 * page) == heap + 8 * page);
    CHECK(space.set_brk(arch::user_space_end) == heap + 8 * page);
}

void test_large_sparse(AddressSpace& space)
{
    // A large reservation costs nothing until touched, and cloning it walks only what exists.
    auto big = space.map(0, 1ul << 30, rw, anonymous_private, nullptr, 0);
    CHECK(!big.is_error());
    if (big.is_error())
        return;
    CHECK(poke(big.value(), 1) && poke(big.value() + (1ul << 30) - 1, 2));
    auto clone = space.try_clone();
    CHECK(!clone.is_error());
    CHECK(!space.unmap(big.value(), 1ul << 30).is_error());
    CHECK(peek(big.value()) == -1);
}

void test_remap(AddressSpace& space)
{
    auto mapped = space.map(0, 4 * page, rw, anonymous_private, nullptr, 0);
    CHECK(!mapped.is_error());
    if (mapped.is_error())
        return;
    uptr a = mapped.value();
    CHECK(poke(a, 'a') && poke(a + page, 'b') && poke(a + 3 * page, 'd'));
    // Shrink in place, then grow in place into the freed pages.
    auto shrunk = space.remap(a, 4 * page, 2 * page, 0, 0);
    CHECK(!shrunk.is_error() && shrunk.value() == a);
    CHECK(peek(a + 3 * page) == -1 && peek(a + page) == 'b');
    auto grown = space.remap(a, 2 * page, 4 * page, 0, 0);
    CHECK(!grown.is_error() && grown.value() == a);
    CHECK(peek(a + 3 * page) == 0);

    // Blocked growth: ENOMEM without MayMove; with it the pages move without copying, and
    // a fork's copy-on-write sharing survives the move.
    CHECK(!space.map(a + 4 * page, page, rw, anonymous_private | AddressSpace::Fixed, nullptr, 0).is_error());
    CHECK(error_of(space.remap(a, 4 * page, 8 * page, 0, 0)) == ENOMEM);
    auto clone = space.try_clone();
    CHECK(!clone.is_error());
    u64 free_before = frames::stats().free;
    auto moved = space.remap(a, 4 * page, 8 * page, AddressSpace::MayMove, 0);
    CHECK(!moved.is_error() && moved.value() != a);
    if (moved.is_error() || clone.is_error())
        return;
    uptr b = moved.value();
    CHECK(frames::stats().free + 4 >= free_before); // at most page tables, no page copies
    CHECK(peek(b) == 'a' && peek(b + page) == 'b' && peek(a) == -1 && peek(b + 7 * page) == 0);
    CHECK(poke(b, 'A'));
    use(*clone.value());
    CHECK(peek(a) == 'a' && peek(b) == -1);
    use(space);

    // MREMAP_FIXED onto a chosen range; errors.
    uptr target = a + 16 * page;
    auto fixed = space.remap(b, 8 * page, 2 * page, AddressSpace::MayMove | AddressSpace::FixedAddress, target);
    CHECK(!fixed.is_error() && fixed.value() == target);
    CHECK(peek(target) == 'A' && peek(target + 2 * page) == -1 && peek(b) == -1);
    CHECK(error_of(space.remap(target, 4 * page, page, 0, 0)) == EFAULT); // beyond the mapping
    CHECK(error_of(space.remap(target, page, page, AddressSpace::FixedAddress, a)) == EINVAL);
    CHECK(error_of(space.remap(target + 1, page, page, 0, 0)) == EINVAL);
    CHECK(error_of(space.remap(target, page, 0, 0, 0)) == EINVAL);

    auto list = space.mappings();
    CHECK(!list.is_error());
    if (!list.is_error()) {
        bool found = false;
        for (auto& mapping : list.value())
            found |= mapping.start <= target && mapping.end >= target + 2 * page
                && mapping.protection == rw; // merged with neighbours perhaps
        CHECK(found);
    }
    CHECK(!space.unmap(target, 2 * page).is_error() && !space.unmap(a + 4 * page, page).is_error());
}

// A read-only file of 2.5 pages whose byte at offset i is i % 251, counting its reads.
class PatternFileSystem final : public FileSystem {
public:
    const char* name() const override { return "vmtest"; }
    RefPtr<Inode> root() override { return nullptr; }
    Result<FileSystemStats> stats() override { return FileSystemStats {}; }
};

class PatternInode final : public Inode {
public:
    static constexpr u64 size = 2 * page + page / 2;
    explicit PatternInode(FileSystem& fs)
        : Inode(fs, 1)
    {
    }
    InodeMetadata metadata() override
    {
        InodeMetadata metadata;
        metadata.ino = 1;
        metadata.mode = 0100644;
        metadata.size = size;
        return metadata;
    }
    Result<void> setattr(const InodeAttributes&) override { return Error { EPERM }; }
    Result<size_t> read_at(u64 offset, const IoBuffer& buffer, size_t length) override
    {
        ++reads;
        if (offset >= size)
            return 0;
        length = min<size_t>(length, size - offset);
        for (size_t i = 0; i < length; ++i) {
            u8 byte = static_cast<u8>((offset + i) % 251);
            TRY(buffer.write(i, &byte, 1));
        }
        return length;
    }
    size_t reads { 0 };
};

u8 pattern(u64 offset) { return static_cast<u8>(offset % 251); }

void test_file_mappings()
{
    auto fs = try_make_ref<PatternFileSystem>();
    auto operations = try_make_ref<FileOperations>();
    CHECK(!fs.is_error() && !operations.is_error());
    if (fs.is_error() || operations.is_error())
        return;
    auto* inode = new (std::nothrow) PatternInode(*fs.value());
    CHECK(inode);
    if (!inode)
        return;
    RefPtr<Inode> inode_ref(inode);
    auto opened = OpenFile::try_create(operations.value(), inode_ref, nullptr, O_RDONLY);
    CHECK(!opened.is_error());
    if (opened.is_error())
        return;
    auto file = opened.release_value();

    auto created = AddressSpace::try_create();
    CHECK(!created.is_error());
    if (created.is_error())
        return;
    auto space = created.release_value();
    use(*space);

    // Private mapping from file offset one page: mapping page 0 is file page 1, page 1 the
    // last half page plus zeros, pages 2 and 3 lie wholly beyond EOF: no page (SIGBUS for
    // a user access, EFAULT for a copy).
    auto mapped = space->map(0, 4 * page, rw, AddressSpace::Private, file, page);
    CHECK(!mapped.is_error());
    if (mapped.is_error())
        return;
    uptr base = mapped.value();
    CHECK(inode->reads == 0); // nothing is read before a fault
    CHECK(peek(base) == pattern(page) && peek(base + 100) == pattern(page + 100));
    size_t reads_after_first = inode->reads;
    CHECK(reads_after_first >= 1);
    CHECK(peek(base + page + page / 2 - 1) == pattern(2 * page + page / 2 - 1));
    CHECK(peek(base + page + page / 2) == 0 && peek(base + 3 * page + 5) == -1);
    CHECK(error_of(space->map(0, page, rw, AddressSpace::Private, file, 5)) == EINVAL);

    // Writes stay private; a clone shares them copy-on-write; DONTNEED rereads the file.
    CHECK(poke(base + 1, 'p') && peek(base + 1) == 'p');
    auto clone = space->try_clone();
    CHECK(!clone.is_error());
    if (!clone.is_error()) {
        use(*clone.value());
        CHECK(peek(base + 1) == 'p' && poke(base + 1, 'c') && peek(base + page + 5) == pattern(2 * page + 5));
        use(*space);
        CHECK(peek(base + 1) == 'p');
    }
    CHECK(!space->discard(base, page).is_error());
    CHECK(peek(base + 1) == pattern(page + 1));

    // Shared file mappings: read-only only (no write-back yet).
    auto shared = space->map(0, page, AddressSpace::Read, AddressSpace::Shared, file, 0);
    CHECK(!shared.is_error());
    if (!shared.is_error()) {
        CHECK(peek(shared.value() + 7) == pattern(7) && !poke(shared.value() + 7, 0));
        CHECK(error_of(space->protect(shared.value(), page, rw)) == EACCES);
    }
    CHECK(error_of(space->map(0, page, rw, AddressSpace::Shared, file, 0)) == ENODEV);
    kprintf("vm: file mappings: %zu reads for the pages touched\n", inode->reads);

    AddressSpace::activate_kernel_only();
    AddressSpace::set_kernel_thread_space(nullptr);
}

} // namespace

bool address_space()
{
    s_ok = true;
    AddressSpace::activate_kernel_only(); // its root is permanent: allocate it before the baseline
    auto frames_before = frames::stats();
    auto heap_before = heap::stats();
    auto spaces_before = AddressSpace::statistics();
    {
        auto created = AddressSpace::try_create();
        CHECK(!created.is_error());
        if (created.is_error())
            return false;
        auto parent = created.release_value();
        use(*parent);
        uptr base = 0;
        test_mapping_basics(*parent, base);
        if (base) {
            test_fork(*parent, base);
            use(*parent);
            test_unmap_protect_discard(*parent, base);
        }
        test_brk(*parent);
        test_large_sparse(*parent);
        test_remap(*parent);
        test_file_mappings();
        use(*parent);
        auto statistics = AddressSpace::statistics();
        kprintf("vm: %lu spaces, %lu page-table pages, %lu resident pages in the test space\n",
            statistics.spaces - spaces_before.spaces, statistics.page_table_pages - spaces_before.page_table_pages,
            parent->resident_pages());
        AddressSpace::activate_kernel_only();
        AddressSpace::set_kernel_thread_space(nullptr);
        CHECK(peek(base) == -1); // no space: EFAULT
    }
    auto frames_after = frames::stats();
    auto heap_after = heap::stats();
    auto spaces_after = AddressSpace::statistics();
    kprintf("vm: frames free %lu -> %lu, heap blocks %lu -> %lu, page-table pages %lu -> %lu\n", frames_before.free,
        frames_after.free, heap_before.blocks_in_use, heap_after.blocks_in_use, spaces_before.page_table_pages,
        spaces_after.page_table_pages);
    CHECK(spaces_after.spaces == spaces_before.spaces);
    CHECK(spaces_after.page_table_pages == spaces_before.page_table_pages);
    CHECK(heap_after.blocks_in_use == heap_before.blocks_in_use);
    // Slab pages stay with the heap; every other frame must be back.
    CHECK(frames_after.free + (heap_after.pages - heap_before.pages) == frames_before.free);
    return s_ok;
}

} // namespace sk::selftest

// Pipe: ring buffer, blocking, FIFO opening and pipefs. See Pipe.h for the invariants.
#include <asm-generic/fcntl.h>
#include <asm-generic/ioctls.h>
#include <asm-generic/poll.h>
#include <atomic>
#include <lib/IoBuffer.h>
#include <lib/UserCopy.h>
#include <proc/SignalDelivery.h>
#include <proc/SignalNumbers.h>
#include <vfs/FifoOpener.h>
#include <vfs/FileMode.h>
#include <vfs/Pipe.h>
#include <vfs/PollTable.h>
#include <vfs/PseudoFileSystem.h>

namespace sk {

// --- pipefs: the inodes of anonymous pipes ---

static constexpr u64 pipefs_magic = 0x50495045; // PIPEFS_MAGIC

class PipeFileSystem final : public PseudoFileSystem {
public:
    // A permanent reference to itself: it is a static object, never deleted.
    PipeFileSystem()
        : PseudoFileSystem("pipefs", pipefs_magic)
    {
        ref();
    }
    u64 allocate_ino() { return m_next_ino.fetch_add(1, std::memory_order_relaxed); }

private:
    std::atomic<u64> m_next_ino { 1 };
};

class PipeInode final : public PseudoInode {
public:
    PipeInode(FileSystem& fs, u64 ino, u32 uid, u32 gid)
        : PseudoInode(fs, ino, S_IFIFO | 0600, uid, gid)
    {
    }
};

// The one pipefs, a static object (not on the heap, so it never shows as a leak).
static PipeFileSystem s_pipefs;

static Result<PipeFileSystem*> pipefs() { return &s_pipefs; }

// --- PipeEnd: one open file description of a pipe ---

class PipeEnd final : public FileOperations {
public:
    // Counts itself in as a reader and/or writer; the destructor counts it out.
    PipeEnd(RefPtr<Pipe> pipe, bool reads, bool writes);
    ~PipeEnd() override;

    Result<size_t> read(OpenFile& file, const IoBuffer& buffer, size_t length) override
    {
        return m_pipe->read(file, buffer, length);
    }
    Result<size_t> write(OpenFile& file, const IoBuffer& buffer, size_t length) override
    {
        return m_pipe->write(file, buffer, length);
    }
    u32 poll(OpenFile&, PollTable* table) override
    {
        return m_pipe->poll(m_reads, m_writes, m_writer_generation_at_open, table);
    }
    bool can_poll() const override { return true; }
    Result<long> ioctl(OpenFile& file, unsigned long request, uptr argument) override;

    Pipe& pipe() const { return *m_pipe; }

private:
    RefPtr<Pipe> m_pipe; // strong: the pipe lives while any end does
    bool m_reads;
    bool m_writes;
    friend class Pipe;
    // The partners' open counts when this end opened. A FIFO reader reports POLLHUP only
    // after a writer has come (and gone) since; FIFO opens wait for them to change.
    u64 m_writer_generation_at_open { 0 };
    u64 m_reader_generation_at_open { 0 };
};

// The FIFO registry: pipes of FIFO nodes with at least one open end.
static Mutex s_fifo_registry_mutex;
static Pipe::RegistryList s_fifo_registry;

PipeEnd::PipeEnd(RefPtr<Pipe> pipe, bool reads, bool writes)
    : m_pipe(std::move(pipe))
    , m_reads(reads)
    , m_writes(writes)
{
    MutexGuard guard(m_pipe->m_mutex);
    m_writer_generation_at_open = m_pipe->m_writer_generation;
    m_reader_generation_at_open = m_pipe->m_reader_generation;
    m_pipe->add_end_locked(reads, writes);
}

PipeEnd::~PipeEnd()
{
    if (m_pipe->m_fifo) {
        MutexGuard registry(s_fifo_registry_mutex);
        MutexGuard guard(m_pipe->m_mutex);
        m_pipe->remove_end_locked(m_reads, m_writes);
        if (m_pipe->m_readers == 0 && m_pipe->m_writers == 0)
            s_fifo_registry.remove(*m_pipe);
        return;
    }
    MutexGuard guard(m_pipe->m_mutex);
    m_pipe->remove_end_locked(m_reads, m_writes);
}

Result<long> PipeEnd::ioctl(OpenFile&, unsigned long request, uptr argument)
{
    if (request != FIONREAD)
        return Error { ENOTTY };
    int available = static_cast<int>(m_pipe->available());
    TRY(copy_to_user(argument, &available, sizeof available));
    return 0;
}

// --- Pipe ---

// FIFO nodes open through the pipe code; the VFS learns of it through this hook at boot.
[[gnu::constructor]] static void install_fifo_opener() { set_fifo_opener(&Pipe::open_fifo); }

Result<RefPtr<Pipe>> Pipe::try_create(RefPtr<Inode> fifo)
{
    auto buffer = TRY(PipeBuffer::try_create());
    auto* pipe = new (std::nothrow) Pipe(std::move(buffer), std::move(fifo));
    if (!pipe)
        return Error { ENOMEM };
    return RefPtr<Pipe>(pipe);
}

Result<Pipe::Ends> Pipe::try_create_anonymous(u32 status_flags, const Credentials& credentials)
{
    PipeFileSystem* fs = TRY(pipefs());
    auto inode = TRY(try_make_ref<PipeInode>(*fs, fs->allocate_ino(), credentials.fsuid, credentials.fsgid));
    auto pipe = TRY(try_create(nullptr));
    auto read_ops = TRY(try_make_ref<PipeEnd>(pipe, true, false));
    auto write_ops = TRY(try_make_ref<PipeEnd>(pipe, false, true));
    Ends ends;
    ends.read = TRY(OpenFile::try_create(std::move(read_ops), inode, nullptr, O_RDONLY | status_flags));
    ends.write = TRY(OpenFile::try_create(std::move(write_ops), inode, nullptr, O_WRONLY | status_flags));
    return ends;
}

// Both publish the new state before waking anyone: a woken poller must see it.
void Pipe::add_end_locked(bool reads, bool writes)
{
    if (reads) {
        ++m_readers;
        ++m_reader_generation;
    }
    if (writes) {
        ++m_writers;
        ++m_writer_generation;
    }
    publish_locked();
    if (reads)
        notify(m_write_wait); // a writer waiting in open() for a reader
    if (writes)
        notify(m_read_wait); // a reader waiting in open() for a writer
}

void Pipe::remove_end_locked(bool reads, bool writes)
{
    if (reads)
        VERIFY(m_readers > 0);
    if (writes)
        VERIFY(m_writers > 0);
    bool last_reader = reads && --m_readers == 0;
    bool last_writer = writes && --m_writers == 0;
    // A FIFO forgets its data when the last end closes.
    if (m_fifo && m_readers == 0 && m_writers == 0)
        m_buffer.clear();
    publish_locked();
    if (last_reader)
        notify(m_write_wait); // writers get EPIPE, pollers POLLERR
    if (last_writer)
        notify(m_read_wait); // readers get EOF, pollers POLLHUP
}

void Pipe::publish_locked()
{
    m_published_empty.store(m_buffer.is_empty(), std::memory_order_relaxed);
    m_published_full.store(m_buffer.is_full(), std::memory_order_relaxed);
    m_published_readers.store(m_readers, std::memory_order_relaxed);
    m_published_writers.store(m_writers, std::memory_order_relaxed);
    m_published_writer_generation.store(m_writer_generation, std::memory_order_relaxed);
}

u64 Pipe::event_snapshot()
{
    SpinlockGuard guard(m_event_lock);
    return m_events;
}

void Pipe::notify(WaitQueue& queue)
{
    {
        SpinlockGuard guard(m_event_lock);
        ++m_events;
    }
    queue.wake_all();
}

Result<void> Pipe::wait_for_event(WaitQueue& queue, u64 snapshot)
{
    SpinlockGuard guard(m_event_lock);
    return queue.wait_until(guard, [&] { return m_events != snapshot; });
}

size_t Pipe::available()
{
    MutexGuard guard(m_mutex);
    return m_buffer.bytes();
}

Result<size_t> Pipe::read(OpenFile& file, const IoBuffer& buffer, size_t length)
{
    if (length == 0)
        return 0;
    m_mutex.lock();
    for (;;) {
        if (!m_buffer.is_empty()) {
            auto moved = m_buffer.read(buffer, length);
            publish_locked();
            m_mutex.unlock();
            if (moved.is_error())
                return moved.error();
            notify(m_write_wait);
            return moved.value();
        }
        if (m_writers == 0) {
            m_mutex.unlock();
            return 0; // end of file
        }
        if (file.is_nonblocking()) {
            m_mutex.unlock();
            return Error { EAGAIN };
        }
        u64 snapshot = event_snapshot();
        m_mutex.unlock();
        TRY(wait_for_event(m_read_wait, snapshot));
        m_mutex.lock();
    }
}

Result<size_t> Pipe::write(OpenFile& file, const IoBuffer& buffer, size_t length)
{
    if (length == 0)
        return 0;
    size_t written = 0;
    // Ends the call: wakes readers if anything went in, and reports `error` only when nothing
    // was written (Linux returns a partial count otherwise).
    auto finish = [&](Result<size_t> outcome) -> Result<size_t> {
        publish_locked();
        m_mutex.unlock();
        if (written)
            notify(m_read_wait);
        if (outcome.is_error() && written)
            return written;
        return outcome;
    };

    m_mutex.lock();
    if (m_readers == 0) {
        m_mutex.unlock();
        send_signal_to_current_thread(SIGPIPE);
        return Error { EPIPE };
    }
    // The sub-page remainder goes into the newest slot when it fits there whole.
    size_t remainder = length % PipeBuffer::page_size;
    if (remainder) {
        auto merged = m_buffer.try_merge(buffer, 0, remainder);
        if (merged.is_error())
            return finish(merged.error());
        if (merged.value())
            written = remainder;
    }
    while (written < length) {
        if (m_readers == 0) {
            m_mutex.unlock();
            send_signal_to_current_thread(SIGPIPE);
            m_mutex.lock();
            return finish(Error { EPIPE });
        }
        if (!m_buffer.is_full()) {
            auto appended = m_buffer.append_page(buffer, written, length - written);
            if (appended.is_error())
                return finish(appended.error());
            written += appended.value();
            continue;
        }
        if (file.is_nonblocking())
            return finish(Error { EAGAIN });
        // Let readers at what is there, then sleep until a slot frees (or a signal). The
        // snapshot comes after our own wake-up of the readers (which counts as an event: taken
        // before it, the wait would end at once, and a writer facing a full pipe whose reader
        // does not read would spin without ever seeing a signal) and before the mutex is
        // released, so a reader that frees a slot afterwards is not missed.
        publish_locked();
        if (written)
            notify(m_read_wait);
        u64 snapshot = event_snapshot();
        m_mutex.unlock();
        auto waited = wait_for_event(m_write_wait, snapshot);
        m_mutex.lock();
        if (waited.is_error())
            return finish(waited.error());
    }
    return finish(written);
}

u32 Pipe::poll(bool reads, bool writes, u64 writer_generation_at_open, PollTable* table)
{
    // Each end waits where its own changes are announced (as Linux's pipe_poll): a read end
    // on m_read_wait (data, writers gone), a write end on m_write_wait (room, readers gone).
    if (table && reads)
        table->wait_on(m_read_wait);
    if (table && writes)
        table->wait_on(m_write_wait);
    // Registered first, read after: a change published after this read comes with a wake-up
    // of the queues above (the queue locks order the two).
    auto relaxed = std::memory_order_relaxed;
    u32 mask = 0;
    if (reads) {
        if (!m_published_empty.load(relaxed))
            mask |= POLLIN | POLLRDNORM;
        if (m_published_writers.load(relaxed) == 0
            && m_published_writer_generation.load(relaxed) != writer_generation_at_open)
            mask |= POLLHUP;
    }
    if (writes) {
        if (!m_published_full.load(relaxed))
            mask |= POLLOUT | POLLWRNORM;
        if (m_published_readers.load(relaxed) == 0)
            mask |= POLLERR;
    }
    return mask;
}

// --- FIFOs ---

Result<RefPtr<FileOperations>> Pipe::open_fifo(Inode& fifo, u32 flags)
{
    u32 access = flags & O_ACCMODE;
    if (access == O_ACCMODE)
        return Error { EINVAL };
    bool reads = access == O_RDONLY || access == O_RDWR;
    bool writes = access == O_WRONLY || access == O_RDWR;
    bool nonblocking = flags & O_NONBLOCK;

    RefPtr<Pipe> pipe;
    RefPtr<PipeEnd> end;
    {
        // A sleeping lock: allocating under it is fine.
        MutexGuard registry(s_fifo_registry_mutex);
        for (auto& existing : s_fifo_registry) {
            if (existing.m_fifo.ptr() == &fifo) {
                pipe = RefPtr<Pipe>(&existing);
                break;
            }
        }
        if (!pipe) {
            pipe = TRY(try_create(RefPtr<Inode>(&fifo)));
            s_fifo_registry.append(*pipe);
        }
        auto forget_if_unused = [&] {
            MutexGuard guard(pipe->m_mutex);
            if (pipe->m_readers == 0 && pipe->m_writers == 0)
                s_fifo_registry.remove(*pipe);
        };
        if (writes && !reads && nonblocking) {
            bool no_readers;
            {
                MutexGuard guard(pipe->m_mutex);
                no_readers = pipe->m_readers == 0;
            }
            if (no_readers) {
                forget_if_unused();
                return Error { ENXIO };
            }
        }
        // Counted in while the registry is locked, so the pipe cannot be dropped in between.
        auto* raw = new (std::nothrow) PipeEnd(pipe, reads, writes);
        if (!raw) {
            forget_if_unused();
            return Error { ENOMEM };
        }
        end = RefPtr<PipeEnd>(raw);
    }

    if (reads != writes && !nonblocking) {
        // Wait for the partner: a writer for a reader, a reader for a writer. Waiting for a
        // change of the partner's open count also catches one that opened and closed meanwhile.
        // On a signal the end is dropped (counted out) with the error.
        Pipe& p = *pipe;
        for (;;) {
            p.m_mutex.lock();
            bool ready = reads ? (p.m_writers > 0 || p.m_writer_generation != end->m_writer_generation_at_open)
                               : (p.m_readers > 0 || p.m_reader_generation != end->m_reader_generation_at_open);
            u64 snapshot = p.event_snapshot();
            p.m_mutex.unlock();
            if (ready)
                break;
            TRY(p.wait_for_event(reads ? p.m_read_wait : p.m_write_wait, snapshot));
        }
    }
    return RefPtr<FileOperations>(end);
}

} // namespace sk

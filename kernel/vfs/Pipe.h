// Pipe: the bounded byte channel behind pipe2(2) and FIFO nodes.
//
// A Pipe owns a 64 KiB buffer of 16 page slots (PipeBuffer, Linux's layout) and counts its open read and write ends.
// Each open end is one PipeEnd (the FileOperations of one open file description): it counts itself in on creation and
// out in its destructor, i.e. when the last descriptor, in-flight SCM_RIGHTS message or kernel user of the description
// is gone. Readers block while the pipe is empty and a writer exists (EOF once none does); writers block while all
// slots are in use, and a write of at most PIPE_BUF (4096) bytes is atomic — it goes whole into the newest slot or a
// new one. Writing with no reader raises SIGPIPE and fails with EPIPE.
//
// FIFOs: the pipe of a FIFO node is found through a registry keyed by the node's inode (held
// strongly by the pipe, so the key stays unique); it exists while any end is open and its
// data is discarded when the last end closes, as in Linux. Opening follows Linux's fifo_open:
// a reader waits for a writer and a writer for a reader unless O_NONBLOCK (a non-blocking
// writer without readers gets ENXIO); O_RDWR never waits.
//
// Anonymous pipes get an inode of the never-mounted pipefs (S_IFIFO | 0600, owned by the
// creator), so fstat/fstatfs/fchmod work on them as on Linux.
//
// Locking: m_mutex (sleeping) guards the buffer and the counts and is held while bytes move
// between the buffer and user memory (which may fault and sleep). Sleepers wait for a change of
// m_events (guarded by m_event_lock), which every state change increments before waking
// m_read_wait (data, writer gone or arrived) or m_write_wait (room, reader gone or arrived);
// poll() registers a read end on the first, a write end on the second (as Linux's pipe_poll),
// and reads the published readiness (atomics) without taking m_mutex. The FIFO registry lock
// is taken before a pipe's m_mutex.
#pragma once

#include <atomic>
#include <lib/IntrusiveList.h>
#include <lib/RefPtr.h>
#include <lib/Spinlock.h>
#include <proc/Credentials.h>
#include <proc/Mutex.h>
#include <proc/WaitQueue.h>
#include <vfs/FileOperations.h>
#include <vfs/Inode.h>
#include <vfs/OpenFile.h>
#include <vfs/PipeBuffer.h>

namespace sk {

class Pipe : public RefCounted<Pipe> {
public:
    static constexpr size_t capacity = PipeBuffer::capacity;
    static constexpr size_t atomic_write_limit = 4096; // PIPE_BUF

    // pipe2(2): two open files, the read end (O_RDONLY) and the write end (O_WRONLY), each
    // with status_flags (O_NONBLOCK) added.
    struct Ends {
        RefPtr<OpenFile> read;
        RefPtr<OpenFile> write;
    };
    static Result<Ends> try_create_anonymous(u32 status_flags, const Credentials& credentials);

    // The FifoOpener the VFS calls for S_IFIFO nodes (installed at boot).
    static Result<RefPtr<FileOperations>> open_fifo(Inode& fifo, u32 flags);

    ~Pipe() = default;

private:
    friend class PipeEnd;
    Pipe(PipeBuffer buffer, RefPtr<Inode> fifo)
        : m_buffer(std::move(buffer))
        , m_fifo(std::move(fifo))
    {
    }
    static Result<RefPtr<Pipe>> try_create(RefPtr<Inode> fifo);

    Result<size_t> read(OpenFile& file, const IoBuffer& buffer, size_t length);
    Result<size_t> write(OpenFile& file, const IoBuffer& buffer, size_t length);
    u32 poll(bool reads, bool writes, u64 writer_generation_at_open, PollTable* table);
    size_t available();

    // Counting ends in and out (m_mutex held by the caller).
    void add_end_locked(bool reads, bool writes);
    void remove_end_locked(bool reads, bool writes);
    // Waits until something changes after `snapshot` (an m_events value read with m_mutex
    // held). ERESTARTSYS on a signal.
    u64 event_snapshot();
    void notify(WaitQueue& queue);
    Result<void> wait_for_event(WaitQueue& queue, u64 snapshot);

    Mutex m_mutex;
    PipeBuffer m_buffer;
    u32 m_readers { 0 };
    u32 m_writers { 0 };
    u64 m_reader_generation { 0 }; // read ends ever opened (Linux's r_counter)
    u64 m_writer_generation { 0 }; // write ends ever opened (w_counter)

    // Readiness as poll() sees it, published under m_mutex after every change, so poll never
    // sleeps on m_mutex: a sleep there would swallow the wake-up of another polled file.
    void publish_locked();
    std::atomic<bool> m_published_empty { true };
    std::atomic<bool> m_published_full { false };
    std::atomic<u32> m_published_readers { 0 };
    std::atomic<u32> m_published_writers { 0 };
    std::atomic<u64> m_published_writer_generation { 0 };

    Spinlock m_event_lock;
    u64 m_events { 0 };
    WaitQueue m_read_wait;
    WaitQueue m_write_wait;

    RefPtr<Inode> m_fifo; // the FIFO node (strong); null for pipe2's pipes
    IntrusiveListNode m_registry_node;

public:
    using RegistryList = IntrusiveList<Pipe, &Pipe::m_registry_node>;
};

} // namespace sk

// DataCopyGate: lets a filesystem copy a regular file's data to or from user memory with its
// own locks dropped, and still free that file's storage safely.
//
// Why: a user buffer may be an untouched private file mapping. Copying into it faults, and
// the fault reads the mapped file — perhaps this very file — through Inode::read_at. If the
// copy ran under a lock that read_at takes, the fault would wait for it forever. So read_at
// and write_at find the storage (a block, a page) under their filesystem's lock, drop the
// lock, copy, and take it again for the next piece.
//
// What keeps that storage from being freed (truncation) and reused while it is copied:
//   - write_at holds writer_lock() for its whole call, copies included. Writers of one file
//     are serialized (each write() is atomic against the others, as on Linux).
//   - read_at, holding the storage lock, registers each unlocked copy with begin_read(); the
//     returned Reader ends it. Readers never wait on the gate, so a fault taken inside a read
//     or write of this same file can read it again.
//   - Truncation takes Exclusive: writer_lock(), then the storage lock at a moment when no
//     read copy is in flight. New readers need the storage lock, so none starts before it is
//     released. The wait is short: a copy is a bounded batch of blocks or pages.
//
// Lock order: writer_lock() before the storage lock; the storage lock is never held while
// waiting for writer_lock() or for readers.
#pragma once

#include <lib/Spinlock.h>
#include <lib/Types.h>
#include <proc/Mutex.h>
#include <proc/WaitQueue.h>
#include <utility>

namespace sk {

class DataCopyGate {
public:
    // One read copy in flight. Move-only; ends on destruction or end().
    class Reader {
    public:
        Reader() = default;
        Reader(Reader&& other) : m_gate(std::exchange(other.m_gate, nullptr)) { }
        Reader& operator=(Reader&& other)
        {
            if (this != &other) {
                end();
                m_gate = std::exchange(other.m_gate, nullptr);
            }
            return *this;
        }
        Reader(const Reader&) = delete;
        Reader& operator=(const Reader&) = delete;
        ~Reader() { end(); }
        void end();

    private:
        friend class DataCopyGate;
        explicit Reader(DataCopyGate& gate) : m_gate(&gate) { }
        DataCopyGate* m_gate { nullptr };
    };

    // writer_lock(), then storage_lock with no read copy in flight; both released on
    // destruction.
    class Exclusive {
    public:
        Exclusive(DataCopyGate& gate, Mutex& storage_lock);
        ~Exclusive();
        Exclusive(const Exclusive&) = delete;
        Exclusive& operator=(const Exclusive&) = delete;

    private:
        DataCopyGate& m_gate;
        Mutex& m_storage_lock;
    };

    Mutex& writer_lock() { return m_writer_lock; }
    // The caller holds the storage lock; what it found there stays allocated until the
    // Reader ends.
    Reader begin_read();

private:
    Mutex m_writer_lock;
    Spinlock m_lock; // guards m_readers
    u32 m_readers { 0 };
    bool m_exclusive_waiting { false }; // at most one Exclusive at a time (writer lock)
    WaitQueue m_idle; // woken when m_readers drops to 0 while an Exclusive waits
};

} // namespace sk

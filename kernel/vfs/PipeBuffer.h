// PipeBuffer: a pipe's storage, laid out as Linux's: 16 page-sized slots used as a ring.
// Linux's slot accounting is visible to programs (how much a pipe holds depends on the write
// sizes, when it polls writable, when a write of at most PIPE_BUF bytes fits), so it is kept:
//
//   - a write first merges its sub-page remainder (length % 4096) into the newest slot if the
//     pipe is not empty and that slot has room for all of it;
//   - everything else goes into fresh slots, a page at a time;
//   - a slot is freed once a reader has consumed all of it;
//   - the pipe is full (not writable) when all 16 slots are in use.
//
// Not synchronized: the owning Pipe's mutex guards it. Copies are all-or-nothing per call: on
// EFAULT nothing is appended or consumed.
#pragma once

#include <lib/IoBuffer.h>
#include <lib/Result.h>
#include <lib/Types.h>
#include <utility>

namespace sk {

class PipeBuffer {
public:
    static constexpr size_t page_size = 4096;
    static constexpr size_t slot_count = 16;
    static constexpr size_t capacity = page_size * slot_count;

    static Result<PipeBuffer> try_create();
    PipeBuffer(PipeBuffer&& other);
    PipeBuffer(const PipeBuffer&) = delete;
    PipeBuffer& operator=(const PipeBuffer&) = delete;
    PipeBuffer& operator=(PipeBuffer&&) = delete;
    ~PipeBuffer();

    size_t bytes() const { return m_bytes; }
    bool is_empty() const { return m_used == 0; }
    bool is_full() const { return m_used == slot_count; }

    // Appends all n bytes to the newest slot if it has room for them; false if it has not
    // (or the buffer is empty).
    Result<bool> try_merge(const IoBuffer& source, size_t source_offset, size_t n);
    // Appends min(n, page_size) bytes in a new slot; the buffer must not be full.
    Result<size_t> append_page(const IoBuffer& source, size_t source_offset, size_t n);
    // Moves up to n bytes (oldest first) into destination, freeing emptied slots.
    Result<size_t> read(const IoBuffer& destination, size_t n);
    void clear();

private:
    struct Slot {
        u32 offset { 0 };
        u32 length { 0 };
    };
    explicit PipeBuffer(u8* pages)
        : m_pages(pages)
    {
    }
    u8* page(size_t slot) const { return m_pages + slot * page_size; }
    size_t slot_at(size_t age) const { return (m_oldest + age) % slot_count; }

    u8* m_pages { nullptr }; // slot_count pages, owned
    Slot m_slots[slot_count];
    size_t m_oldest { 0 }; // index of the oldest slot in use
    size_t m_used { 0 }; // slots in use
    size_t m_bytes { 0 }; // bytes held
};

} // namespace sk

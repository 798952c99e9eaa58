// SegmentQueue: one direction of a Unix socket — the receive queue of the socket that reads
// it — as a FIFO of segments. A segment is the bytes of one send (or one piece of a large
// stream send) plus the control data that came with them (SCM_RIGHTS files, the sender's
// credentials). Control data never moves to another segment, so a stream read can tell
// exactly which bytes a set of files arrived with.
//
// Stream reads follow unix_stream_read_generic: they copy across segments, but stop right
// after a segment that carries rights (whose rights the read takes, with the first byte it
// reads from it), and — when the caller asks (SO_PASSCRED) — before a segment from another
// writer. Message reads (datagram, seqpacket) take exactly one segment.
//
// The queue is not locked: its owner's spinlock guards it. Segments are allocated and
// filled from the sender's buffer before that lock is taken (try_create_segment), so the
// only work under the lock is linking and the copy out to the reader.
//
// Control is the attachment type: default-constructible, movable, with
//   bool has_rights() const;        // true when the segment carries files
//   Result<Control> try_clone() const; // for MSG_PEEK (takes new references to the files)
//   Control credentials_only() const;  // a copy without the rights (never allocates)
#pragma once

#include <lib/IntrusiveList.h>
#include <lib/IoBuffer.h>
#include <lib/Result.h>
#include <lib/Types.h>
#include <new>
#include <utility>

namespace sk {

template<typename Control> class SegmentQueue {
public:
    // Per-segment memory charged on top of the payload (Linux charges an sk_buff's truesize).
    static constexpr size_t segment_overhead = 512;

    class Segment {
    public:
        size_t length() const { return m_length; }
        size_t unread() const { return m_length - m_consumed; }
        const u8* data() const { return reinterpret_cast<const u8*>(this + 1); }
        u8* data() { return reinterpret_cast<u8*>(this + 1); }
        Control& control() { return m_control; }
        const Control& control() const { return m_control; }
        size_t charge() const { return m_length + segment_overhead; }

    private:
        friend class SegmentQueue;
        Segment(size_t length, Control&& control)
            : m_control(std::move(control))
            , m_length(length)
        {
        }

        IntrusiveListNode m_node;
        Control m_control;
        size_t m_length;
        size_t m_consumed { 0 };
    };

    // Sole owner of a segment not yet in a queue.
    class OwnedSegment {
    public:
        OwnedSegment() = default;
        explicit OwnedSegment(Segment* segment)
            : m_segment(segment)
        {
        }
        OwnedSegment(OwnedSegment&& other)
            : m_segment(std::exchange(other.m_segment, nullptr))
        {
        }
        OwnedSegment& operator=(OwnedSegment&& other)
        {
            if (this != &other) {
                destroy(m_segment);
                m_segment = std::exchange(other.m_segment, nullptr);
            }
            return *this;
        }
        ~OwnedSegment() { destroy(m_segment); }
        Segment* operator->() const { return m_segment; }
        Segment* leak() { return std::exchange(m_segment, nullptr); }
        explicit operator bool() const { return m_segment != nullptr; }

    private:
        Segment* m_segment { nullptr };
    };

    SegmentQueue() = default;
    SegmentQueue(const SegmentQueue&) = delete;
    SegmentQueue& operator=(const SegmentQueue&) = delete;
    ~SegmentQueue() { clear(); }

    // Allocates a segment and copies length bytes from source (at offset) into it.
    static Result<OwnedSegment> try_create_segment(
        const IoBuffer& source, size_t offset, size_t length, Control control)
    {
        void* memory = ::operator new(sizeof(Segment) + length, std::nothrow);
        if (!memory)
            return Error { ENOMEM };
        OwnedSegment segment(new (memory) Segment(length, std::move(control)));
        if (length)
            TRY(source.read(offset, segment->data(), length));
        return segment;
    }

    void append(OwnedSegment segment)
    {
        Segment* raw = segment.leak();
        m_bytes += raw->m_length;
        m_charge += raw->charge();
        ++m_count;
        m_segments.append(*raw);
    }

    bool is_empty() const { return m_count == 0; }
    size_t count() const { return m_count; }
    size_t bytes() const { return m_bytes; } // unread payload (FIONREAD on a stream)
    size_t charge() const { return m_charge; } // payload + overhead, against the buffer size
    Segment* first() const { return m_segments.first(); }

    // Removes and returns the first segment (a message read, or flushing the queue).
    OwnedSegment take_first()
    {
        Segment* segment = m_segments.take_first();
        if (!segment)
            return {};
        m_bytes -= segment->unread();
        m_charge -= segment->charge();
        --m_count;
        return OwnedSegment(segment);
    }

    // Drops every segment (and with it the attached files).
    void clear()
    {
        while (!is_empty())
            take_first();
    }

    template<typename Callback> void for_each(Callback callback)
    {
        for (auto& segment : m_segments)
            callback(segment);
    }

    struct StreamRead {
        size_t copied { 0 };
        // The first segment's credentials, and the rights of the segment that carried any.
        Control control;
    };

    // How a read copies into the reader's buffer: copy(fn) runs fn() — the copy — and returns
    // its result. The kernel releases the owner's spinlock around it, because the copy may
    // fault on the reader's memory and a fault may sleep (reading a file page, taking the
    // address space's mutex). While the lock is dropped writers may append, but only this
    // reader may remove segments or change the ones it reads: the owner serializes readers
    // (UnixSocket's m_read_mutex) and keeps everyone else from purging the queue meanwhile.
    struct CopyDirectly {
        template<typename Fn> Result<void> operator()(Fn fn) const { return fn(); }
    };

    // Whether there is anything to read past the first skip bytes (MSG_PEEK at SO_PEEK_OFF):
    // a stream needs a byte there, a message read a message that starts there or later
    // (Linux passes over a message shorter than what is left of the offset).
    bool has_stream_bytes_past(size_t skip) const { return m_bytes > skip; }
    bool has_message_past(size_t skip) const { return message_at(skip) != nullptr; }

    // A stream read of up to length bytes into destination (from offset on). same_writer(a, b) says whether
    // bytes with control b may follow bytes with control a in one read (always true unless
    // the reader has SO_PASSCRED). On a copy fault nothing is consumed from the faulting
    // segment; the result is EFAULT only if nothing was copied. A peek may start skip bytes in.
    template<typename SameWriter, typename Copy = CopyDirectly>
    Result<StreamRead> read_stream(const IoBuffer& destination, size_t offset, size_t length, bool peek,
        SameWriter same_writer, Copy copy = {}, size_t skip = 0)
    {
        VERIFY(peek || skip == 0);
        StreamRead result;
        bool first = true;
        Segment* segment = m_segments.first();
        while (segment && skip >= segment->unread()) {
            skip -= segment->unread();
            segment = next_of(segment);
        }
        while (segment && result.copied < length) {
            if (!first && !same_writer(result.control, segment->control()))
                break;
            bool carries_rights = segment->control().has_rights();
            Control control;
            if (carries_rights && peek) {
                auto clone = segment->control().try_clone();
                if (clone.is_error()) {
                    if (first)
                        return clone.error();
                    break;
                }
                control = clone.release_value();
            } else if (first || carries_rights) {
                control = segment->control().credentials_only();
            }
            size_t chunk = min(segment->unread() - skip, length - result.copied);
            const u8* bytes = segment->data() + segment->m_consumed + skip;
            skip = 0;
            size_t at = offset + result.copied;
            auto copied = copy([&] { return destination.write(at, bytes, chunk); });
            if (copied.is_error()) {
                if (first)
                    return copied.error();
                break;
            }
            result.copied += chunk;
            if (carries_rights && !peek)
                control = std::exchange(segment->control(), Control());
            if (first || carries_rights)
                result.control = std::move(control);
            first = false;
            Segment* next = next_of(segment); // read with the lock held again
            if (!peek) {
                segment->m_consumed += chunk;
                m_bytes -= chunk;
                if (segment->unread() == 0)
                    take_first();
            }
            if (carries_rights)
                break;
            segment = next;
        }
        return result;
    }

    struct MessageRead {
        size_t copied { 0 };
        size_t message_length { 0 }; // the whole message, for MSG_TRUNC
        Control control;
    };

    // A message read: the first segment, truncated to length; consumed unless peek. A peek may
    // start skip bytes into the queue (has_message_past(skip) must hold): the message there,
    // from that point on (message_length counts from it too).
    template<typename Copy = CopyDirectly>
    Result<MessageRead> read_message(const IoBuffer& destination, size_t length, bool peek, Copy copy = {}, size_t skip = 0)
    {
        VERIFY(peek || skip == 0);
        Segment* segment = message_at(skip);
        VERIFY(segment);
        MessageRead result;
        result.message_length = segment->m_length - skip;
        result.copied = min(length, result.message_length);
        TRY(copy([&] { return destination.write(0, segment->data() + skip, result.copied); }));
        if (peek) {
            result.control = TRY(segment->control().try_clone());
        } else {
            result.control = std::move(segment->control());
            take_first();
        }
        return result;
    }

private:
    // The message holding offset skip of the queue; skip becomes the offset in it. FIXME:
    // Linux also passes over an empty message at the offset once it has been peeked.
    Segment* message_at(size_t& skip) const
    {
        Segment* segment = m_segments.first();
        while (segment && skip && skip >= segment->m_length) {
            skip -= segment->m_length;
            segment = m_segments.next_of(*segment);
        }
        return segment;
    }

    static void destroy(Segment* segment)
    {
        if (!segment)
            return;
        segment->~Segment();
        ::operator delete(segment);
    }

    Segment* next_of(Segment* segment) { return m_segments.next_of(*segment); }

    IntrusiveList<Segment, &Segment::m_node> m_segments;
    size_t m_count { 0 };
    size_t m_bytes { 0 };
    size_t m_charge { 0 };
};

} // namespace sk

// SharedMemory: the frames behind anonymous shared mappings (see Region.h).
#include <mm/FrameAllocator.h>
#include <mm/Region.h>

namespace sk {

Result<RefPtr<SharedMemory>> SharedMemory::try_create(size_t page_count)
{
    auto* memory = new (std::nothrow) SharedMemory;
    if (!memory)
        return Error { ENOMEM };
    RefPtr<SharedMemory> result(memory);
    TRY(result->m_frames.try_resize(page_count)); // value-initialized: all zero
    return result;
}

SharedMemory::~SharedMemory()
{
    for (uptr frame : m_frames) {
        if (frame)
            frames::unref(frame);
    }
}

Result<uptr> SharedMemory::take_frame(size_t index)
{
    {
        SpinlockGuard guard(m_lock);
        VERIFY(index < m_frames.size());
        if (uptr frame = m_frames[index]) {
            frames::ref(frame);
            return frame;
        }
    }
    // Zero the frame outside the spinlock; a racing first touch from another space keeps
    // whichever frame was installed first.
    uptr fresh = TRY(frames::allocate(true));
    SpinlockGuard guard(m_lock);
    if (!m_frames[index])
        m_frames[index] = fresh;
    else
        frames::free(fresh);
    frames::ref(m_frames[index]);
    return m_frames[index];
}

} // namespace sk

// PollTable: what poll/select/ppoll pass down to FileOperations::poll. A file's poll() calls
// table->wait_on(queue) for each WaitQueue whose wake-up may change its readiness; the table
// registers the polling thread there so that a wake_all() on any of them wakes it. The
// registrations are removed when the table is destroyed.
#pragma once

#include <lib/Vector.h>
#include <proc/WaitQueue.h>

namespace sk {

class PollTable {
public:
    explicit PollTable(Thread* thread) : m_thread(thread) { }
    ~PollTable();
    PollTable(const PollTable&) = delete;
    PollTable& operator=(const PollTable&) = delete;

    void wait_on(WaitQueue& queue);
    // Registration can fail only on allocation; poll then behaves like a busy re-check.
    bool had_error() const { return m_error; }

private:
    struct Registration {
        WaitQueue* queue;
        WaitEntry* entry;
    };
    Thread* m_thread;
    Vector<Registration> m_registrations;
    bool m_error { false };
};

} // namespace sk

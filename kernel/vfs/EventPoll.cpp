// EventPoll: interest items, the ready list and its scans, nesting checks, and the removal
// paths (epoll_ctl DEL, the instance's release, a watched file's release). See EventPoll.h
// for the rules and the locking.
#include <asm-generic/poll.h>
#include <lib/Hash.h>
#include <lib/IoBuffer.h>
#include <new>
#include <vfs/AnonymousInode.h>
#include <vfs/EventPoll.h>
#include <vfs/PollTable.h>

namespace sk {

// Compared by address: from_file() knows an epoll file by its name's identity.
static const char s_anonymous_name[] = "[eventpoll]";

Mutex EventPoll::s_nesting_mutex;
u64 EventPoll::s_check_generation { 0 };

// Linux's EPOLLEXCLUSIVE_OK_BITS: what may come with EPOLLEXCLUSIVE.
static constexpr u32 exclusive_ok_bits
    = epoll::in | epoll::out | epoll::err | epoll::hup | epoll::wakeup | epoll::edge_triggered | epoll::exclusive;

u64 EventPoll::ItemKeyHash::hash(const ItemKey& key)
{
    return hash_combine(hash_mix(reinterpret_cast<uptr>(key.file)), static_cast<u64>(key.fd));
}

Result<RefPtr<OpenFile>> EventPoll::try_create_file(u32 flags)
{
    auto* raw = new (std::nothrow) EventPoll;
    if (!raw)
        return Error { ENOMEM };
    RefPtr<EventPoll> epoll(raw);
    auto file = TRY(open_anonymous_file(epoll, flags));
    MutexGuard nesting(s_nesting_mutex);
    epoll->m_file = file.ptr();
    return file;
}

EventPoll* EventPoll::from_file(OpenFile& file)
{
    if (file.ops().anonymous_name() != s_anonymous_name)
        return nullptr;
    return static_cast<EventPoll*>(&file.ops());
}

const char* EventPoll::anonymous_name() const { return s_anonymous_name; }

EventPoll::~EventPoll()
{
    VERIFY(m_items.is_empty());
    VERIFY(m_ready.is_empty());
}

// --- epoll_ctl ---

Result<void> EventPoll::control(int op, int fd, OpenFile& target, u32 events, u64 data)
{
    EventPoll* target_epoll = from_file(target);
    if (op != epoll::ctl_del && (events & epoll::exclusive)) {
        // Exclusive wake-ups are set up once, at ADD; and not for a nested instance.
        if (op == epoll::ctl_mod)
            return Error { EINVAL };
        if (op == epoll::ctl_add && (target_epoll || (events & ~exclusive_ok_bits)))
            return Error { EINVAL };
    }
    // Links between instances change only under the nesting mutex, which comes first.
    bool changes_nesting = target_epoll && (op == epoll::ctl_add || op == epoll::ctl_del);
    if (changes_nesting)
        s_nesting_mutex.lock();
    if (op == epoll::ctl_add && target_epoll && would_loop_or_nest_too_deep(*target_epoll)) {
        s_nesting_mutex.unlock();
        return Error { ELOOP };
    }
    RefPtr<EventPoll> removed; // dropped after the locks (never the last reference here)
    Result<void> result {};
    {
        MutexGuard guard(m_mutex);
        EpollItem** found = m_index.get(ItemKey { &target, fd });
        EpollItem* item = found ? *found : nullptr;
        switch (op) {
        case epoll::ctl_add:
            result = item ? Result<void>(Error { EEXIST }) : insert(fd, target, events, data);
            break;
        case epoll::ctl_del:
            // The caller's reference pins target: it cannot be in its own release meanwhile.
            if (item)
                removed = remove_locked(*item);
            else
                result = Error { ENOENT };
            break;
        case epoll::ctl_mod:
            if (!item)
                result = Error { ENOENT };
            else if (item->events & epoll::exclusive)
                result = Error { EINVAL };
            else
                modify(*item, events, data);
            break;
        default:
            result = Error { EINVAL };
        }
    }
    if (changes_nesting)
        s_nesting_mutex.unlock();
    return result;
}

Result<void> EventPoll::insert(int fd, OpenFile& target, u32 events, u64 data)
{
    TRY(m_index.try_ensure_capacity(m_index.size() + 1));
    auto* item = new (std::nothrow) EpollItem;
    if (!item)
        return Error { ENOMEM };
    item->epoll = RefPtr<EventPoll>(this);
    item->file = &target;
    item->fd = fd;
    item->events = events | epoll::err | epoll::hup; // always reported
    item->data = data;
    {
        SpinlockGuard guard(target.epoll_lock());
        target.epoll_watches().append(*item);
    }
    m_items.append(*item);
    auto indexed = m_index.try_set(ItemKey { &target, fd }, item);
    VERIFY(!indexed.is_error()); // the room was made above
    if (from_file(target))
        m_nested_items.append(*item);

    // From here the callbacks may run on it.
    HookPollTable table(item->hooks, &EventPoll::item_woken, item);
    u32 ready = target.ops().poll(target, &table) & item->events;
    if (table.had_error()) {
        auto self = remove_locked(*item); // not the last reference: the caller holds one
        return Error { ENOMEM };
    }
    if (ready)
        mark_ready(*item);
    return {};
}

void EventPoll::modify(EpollItem& item, u32 events, u64 data)
{
    {
        SpinlockGuard guard(m_lock);
        item.events = events | epoll::err | epoll::hup;
    }
    item.data = data;
    // Set first and polled after: a change in between comes with a wake-up of the hooks.
    if (ready_events(item))
        mark_ready(item);
}

RefPtr<EventPoll> EventPoll::remove_locked(EpollItem& item)
{
    unhook_all(item.hooks); // no callback runs on the item after this
    OpenFile& file = *item.file;
    {
        SpinlockGuard guard(file.epoll_lock());
        file.epoll_watches().remove(item);
    }
    m_index.remove(ItemKey { &file, item.fd });
    m_items.remove(item);
    m_nested_items.remove(item);
    {
        SpinlockGuard guard(m_lock);
        m_ready.remove(item); // a no-op when it is not there
    }
    RefPtr<EventPoll> reference = std::move(item.epoll);
    delete &item;
    return reference;
}

// --- readiness ---

void EventPoll::item_woken(WaitEntry& entry, u32 events)
{
    auto* item = static_cast<EpollItem*>(WaitHook::from_entry(entry).owner);
    item->epoll->mark_ready(*item, events);
}

void EventPoll::mark_ready(EpollItem& item, u32 events)
{
    {
        SpinlockGuard guard(m_lock);
        if (!(item.events & ~epoll::private_bits))
            return; // disarmed by EPOLLONESHOT until the next EPOLL_CTL_MOD
        if (events && !(events & item.events))
            return; // nothing it asks for
        if (!item.ready_node.is_linked())
            m_ready.append(item);
    }
    m_wait.wake_all();
    m_poll_wait.wake_all(epoll::in); // outer instances' callbacks run from here
}

u32 EventPoll::ready_events(EpollItem& item) { return item.file->ops().poll(*item.file, nullptr) & item.events; }

void EventPoll::start_scan(ReadyList& batch)
{
    SpinlockGuard guard(m_lock);
    batch.append_all(m_ready);
    ++m_scanners;
}

EpollItem* EventPoll::next_in_scan(ReadyList& batch)
{
    SpinlockGuard guard(m_lock);
    return batch.take_first();
}

// What the scan left (no room for it) goes back to the front: it is first next time.
void EventPoll::finish_scan(ReadyList& batch)
{
    bool ready;
    {
        SpinlockGuard guard(m_lock);
        m_ready.prepend_all(batch);
        --m_scanners;
        ready = !m_ready.is_empty();
    }
    // Another sleeper may take what is left (level-triggered items are back on the list).
    if (ready)
        m_wait.wake_all();
}

bool EventPoll::events_available()
{
    SpinlockGuard guard(m_lock);
    return !m_ready.is_empty() || m_scanners;
}

Result<int> EventPoll::collect(const IoBuffer& out, int max)
{
    MutexGuard guard(m_mutex);
    ReadyList batch;
    start_scan(batch);
    int count = 0;
    bool faulted = false;
    while (count < max) {
        EpollItem* item = next_in_scan(batch);
        if (!item)
            break;
        u32 events = ready_events(*item);
        if (!events)
            continue; // not ready after all: off the list until the next wake-up
        EpollEvent record { events, 0, item->data };
        if (out.write(static_cast<size_t>(count) * sizeof record, &record, sizeof record).is_error()) {
            SpinlockGuard lock(m_lock);
            if (!item->ready_node.is_linked())
                batch.prepend(*item); // still ready: keep it for the next call
            faulted = true;
            break;
        }
        ++count;
        SpinlockGuard lock(m_lock);
        if (item->events & epoll::oneshot)
            item->events &= epoll::private_bits;
        else if (!(item->events & epoll::edge_triggered) && !item->ready_node.is_linked())
            m_ready.append(*item); // level-triggered: asked again next time
    }
    finish_scan(batch);
    if (faulted && count == 0)
        return Error { EFAULT };
    return count;
}

// --- epoll_pwait ---

Result<int> EventPoll::wait(const IoBuffer& out, int max, Deadline deadline, bool no_wait)
{
    for (;;) {
        if (events_available()) {
            int count = TRY(collect(out, max));
            if (count)
                return count;
        }
        if (no_wait)
            return 0;
        Result<void> waited {};
        {
            SpinlockGuard guard(m_lock);
            waited = m_wait.wait_until(
                guard, [&] { return !m_ready.is_empty(); }, deadline);
        }
        if (waited.is_error()) {
            // Whatever became ready meanwhile is still reported, as Linux does.
            int count = events_available() ? TRY(collect(out, max)) : 0;
            if (count || waited.error().code == ETIMEDOUT)
                return count;
            return Error { EINTR };
        }
    }
}

// --- poll() on the instance's own file ---

// Ready when an item on the ready list really is (Linux's ep_eventpoll_poll); the items found
// not ready on the way leave the list.
u32 EventPoll::poll(OpenFile&, PollTable* table)
{
    if (table)
        table->wait_on(m_poll_wait);
    if (!events_available())
        return 0;
    // A sleep here would swallow a wake-up the caller's poll loop is owed (see FsPoll.cpp).
    if (!m_mutex.try_lock()) {
        m_mutex.lock();
        WaitQueue::repost_wakeup();
    }
    ReadyList batch;
    start_scan(batch);
    u32 mask = 0;
    while (EpollItem* item = next_in_scan(batch)) {
        if (ready_events(*item)) {
            SpinlockGuard guard(m_lock);
            if (!item->ready_node.is_linked())
                batch.prepend(*item);
            mask = POLLIN | POLLRDNORM;
            break;
        }
    }
    finish_scan(batch);
    m_mutex.unlock();
    return mask;
}

Result<i64> EventPoll::seek(OpenFile& file, i64, int) { return static_cast<i64>(file.offset()); } // noop_llseek

Result<long> EventPoll::ioctl(OpenFile&, unsigned long, uptr) { return Error { EINVAL }; } // no busy-poll parameters

// --- nesting ---

bool EventPoll::would_loop_or_nest_too_deep(EventPoll& target)
{
    u64 generation = ++s_check_generation;
    int below = target.depth_below(*this, 0, generation);
    if (below > epoll::max_nests)
        return true;
    return below + 1 + depth_above(generation) > epoll::max_nests;
}

// How many links lead down from this instance; more than max_nests when one reaches
// inserting_into (a loop) or goes too deep. Each instance is visited once per check.
int EventPoll::depth_below(EventPoll& inserting_into, int depth, u64 generation)
{
    if (m_check_generation == generation)
        return m_check_depth;
    m_check_generation = generation;
    int result = 0;
    for (auto& item : m_nested_items) {
        EventPoll& inner = *from_file(*item.file);
        if (&inner == &inserting_into || depth > epoll::max_nests)
            result = epoll::max_nests + 1;
        else
            result = max(result, inner.depth_below(inserting_into, depth + 1, generation) + 1);
        if (result > epoll::max_nests)
            break;
    }
    m_check_depth = result;
    return result;
}

// How many links lead up from this instance, through the instances watching its file.
int EventPoll::depth_above(u64 generation)
{
    if (m_check_generation == generation)
        return m_check_depth;
    int result = 0;
    if (m_file) {
        for (auto& watch : m_file->epoll_watches())
            result = max(result, static_cast<EpollItem&>(watch).epoll->depth_above(generation) + 1);
    }
    m_check_generation = generation;
    m_check_depth = result;
    return result;
}

// --- the removal paths ---

// The instance's file is gone. Items whose file can be pinned are removed here (a few at a
// time, dropping the pins with no lock held: a pin may be the last reference); the others'
// files are in their destructor, whose release_watched_file removes them — the items keep
// this instance alive until then.
void EventPoll::release(OpenFile&)
{
    m_poll_wait.wake_all(); // pollers of this file see it go
    constexpr size_t batch_size = 16;
    for (;;) {
        RefPtr<OpenFile> pins[batch_size];
        size_t pinned = 0;
        bool done;
        {
            MutexGuard nesting(s_nesting_mutex);
            MutexGuard guard(m_mutex);
            m_file = nullptr;
            for (auto& item : m_items) {
                if (pinned == batch_size)
                    break;
                if (!item.file->try_ref()) {
                    unhook_all(item.hooks);
                    m_items.remove(item); // dying: its file's release removes it
                    continue;
                }
                pins[pinned++] = RefPtr<OpenFile>::adopt(item.file);
                auto self = remove_locked(item); // not the last: our file's ops hold one
            }
            done = m_items.is_empty();
        }
        if (done)
            return; // pins dropped here, with no lock held
    }
}

void EventPoll::release_watched_file(OpenFile& file)
{
    bool is_epoll = from_file(file) != nullptr;
    for (;;) {
        EpollItem* item;
        EventPoll* epoll;
        {
            SpinlockGuard guard(file.epoll_lock());
            EpollWatch* watch = file.epoll_watches().first();
            if (!watch)
                return;
            // Nobody else frees this item now: the others pin the file first, and cannot.
            item = static_cast<EpollItem*>(watch);
            epoll = item->epoll.ptr();
        }
        RefPtr<EventPoll> reference; // may be the last: dropped once the locks are released
        if (is_epoll)
            s_nesting_mutex.lock();
        {
            MutexGuard guard(epoll->m_mutex);
            reference = epoll->remove_locked(*item);
        }
        if (is_epoll)
            s_nesting_mutex.unlock();
    }
}

} // namespace sk

// HashMap<K, V, Hash>: an open-addressing hash map with linear probing, for the kernel's
// lookup tables (bound-socket registry, abstract socket names, pid table, inode caches).
//
// Insertion is fallible (ENOMEM) and never panics; lookup and removal never allocate.
// Keys and values may be move-only (RefPtr, KString). Lookups accept any type the Hash
// traits can hash and compare against a key (a KString-keyed map takes a StringView).
//
// Invariants: the capacity is zero or a power of two; live + tombstone slots stay at or below
// 3/4 of it, so every probe ends at an empty slot within an expected constant number of
// steps. A removal leaves a tombstone (or an empty slot when the next slot is empty);
// tombstones are dropped at the next rehash, which happens at the same capacity when it is
// tombstones rather than live entries that fill the table — so a long run of inserts and
// removes never degrades lookups to O(n).
//
// Iteration order is unspecified. Inserting invalidates iterators and entry pointers;
// removing does not (removing the current entry while iterating is allowed).
// Not synchronized: the owner's lock guards the map.
#pragma once

#include <lib/Hash.h>
#include <lib/Result.h>
#include <lib/Types.h>
#include <lib/Verify.h>
#include <new>
#include <utility>

namespace sk {

template<typename K, typename V, typename Hash = DefaultHash<K>> class HashMap {
public:
    struct Entry {
        K key; // never modify a stored key
        V value;
    };

private:
    enum class State : u8 { Empty, Live, Tombstone };
    struct Slot {
        alignas(Entry) unsigned char storage[sizeof(Entry)];
        State state;
        Entry& entry() { return *std::launder(reinterpret_cast<Entry*>(storage)); }
        const Entry& entry() const { return *std::launder(reinterpret_cast<const Entry*>(storage)); }
    };
    static_assert(alignof(Slot) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);

    static constexpr size_t minimum_capacity = 8;

public:
    HashMap() = default;
    HashMap(const HashMap&) = delete;
    HashMap& operator=(const HashMap&) = delete;
    HashMap(HashMap&& other)
        : m_slots(std::exchange(other.m_slots, nullptr))
        , m_capacity(std::exchange(other.m_capacity, 0))
        , m_size(std::exchange(other.m_size, 0))
        , m_tombstones(std::exchange(other.m_tombstones, 0))
    {
    }
    HashMap& operator=(HashMap&& other)
    {
        if (this != &other) {
            clear_and_free();
            m_slots = std::exchange(other.m_slots, nullptr);
            m_capacity = std::exchange(other.m_capacity, 0);
            m_size = std::exchange(other.m_size, 0);
            m_tombstones = std::exchange(other.m_tombstones, 0);
        }
        return *this;
    }
    ~HashMap() { clear_and_free(); }

    size_t size() const { return m_size; }
    bool is_empty() const { return m_size == 0; }
    size_t capacity() const { return m_capacity; }

    // Inserts, or replaces the value of an existing key (keeping the stored key). On ENOMEM
    // the map is unchanged and the key and value passed in are dropped.
    Result<void> try_set(K key, V value)
    {
        if (Slot* slot = find_slot(key)) {
            slot->entry().value = std::move(value);
            return {};
        }
        TRY(reserve_for_insert(1));
        insert_absent(std::move(key), std::move(value));
        return {};
    }

    // Makes room for `count` entries in all: as long as nothing is removed in between,
    // try_set cannot fail (or allocate) until the size exceeds count. Lets a caller allocate
    // first and then commit a change that must not fail halfway.
    Result<void> try_ensure_capacity(size_t count)
    {
        if (count <= m_size)
            return {};
        return reserve_for_insert(count - m_size);
    }

    template<typename Q> V* get(const Q& key)
    {
        Slot* slot = find_slot(key);
        return slot ? &slot->entry().value : nullptr;
    }
    template<typename Q> const V* get(const Q& key) const { return const_cast<HashMap*>(this)->get(key); }
    template<typename Q> bool contains(const Q& key) const { return get(key) != nullptr; }

    template<typename Q> bool remove(const Q& key)
    {
        Slot* slot = find_slot(key);
        if (!slot)
            return false;
        remove_slot(*slot);
        return true;
    }
    // Removes the entry and moves its value into `out`.
    template<typename Q> bool take(const Q& key, V& out)
    {
        Slot* slot = find_slot(key);
        if (!slot)
            return false;
        out = std::move(slot->entry().value);
        remove_slot(*slot);
        return true;
    }
    // Removes every entry for which predicate(entry) is true; returns how many.
    template<typename Predicate> size_t remove_if(Predicate predicate)
    {
        size_t removed = 0;
        for (size_t i = 0; i < m_capacity; ++i) {
            if (m_slots[i].state == State::Live && predicate(m_slots[i].entry())) {
                remove_slot(m_slots[i]);
                ++removed;
            }
        }
        return removed;
    }

    void clear()
    {
        for (size_t i = 0; i < m_capacity; ++i) {
            if (m_slots[i].state == State::Live)
                m_slots[i].entry().~Entry();
            m_slots[i].state = State::Empty;
        }
        m_size = m_tombstones = 0;
    }
    void clear_and_free()
    {
        clear();
        ::operator delete(m_slots);
        m_slots = nullptr;
        m_capacity = 0;
    }

    template<typename SlotPtr, typename EntryRef> class IteratorBase {
    public:
        IteratorBase(SlotPtr slot, SlotPtr end)
            : m_slot(slot)
            , m_end(end)
        {
            skip_to_live();
        }
        EntryRef operator*() const { return m_slot->entry(); }
        auto* operator->() const { return &m_slot->entry(); }
        IteratorBase& operator++()
        {
            ++m_slot;
            skip_to_live();
            return *this;
        }
        bool operator==(const IteratorBase& other) const { return m_slot == other.m_slot; }
        bool operator!=(const IteratorBase& other) const { return m_slot != other.m_slot; }

    private:
        void skip_to_live()
        {
            while (m_slot != m_end && m_slot->state != State::Live)
                ++m_slot;
        }
        SlotPtr m_slot;
        SlotPtr m_end;
    };
    using Iterator = IteratorBase<Slot*, Entry&>;
    using ConstIterator = IteratorBase<const Slot*, const Entry&>;
    Iterator begin() { return Iterator(m_slots, m_slots + m_capacity); }
    Iterator end() { return Iterator(m_slots + m_capacity, m_slots + m_capacity); }
    ConstIterator begin() const { return ConstIterator(m_slots, m_slots + m_capacity); }
    ConstIterator end() const { return ConstIterator(m_slots + m_capacity, m_slots + m_capacity); }

    // For tests and statistics: slots holding tombstones right now.
    size_t tombstone_count() const { return m_tombstones; }

private:
    size_t mask() const { return m_capacity - 1; }

    template<typename Q> Slot* find_slot(const Q& key) const
    {
        if (m_size == 0)
            return nullptr;
        for (size_t i = Hash::hash(key) & mask();; i = (i + 1) & mask()) {
            Slot& slot = m_slots[i];
            if (slot.state == State::Empty)
                return nullptr;
            if (slot.state == State::Live && Hash::equals(slot.entry().key, key))
                return &slot;
        }
    }

    // The key must be absent and room reserved.
    void insert_absent(K&& key, V&& value)
    {
        size_t i = Hash::hash(key) & mask();
        while (m_slots[i].state == State::Live)
            i = (i + 1) & mask();
        if (m_slots[i].state == State::Tombstone)
            --m_tombstones;
        new (m_slots[i].storage) Entry { std::move(key), std::move(value) };
        m_slots[i].state = State::Live;
        ++m_size;
    }

    void remove_slot(Slot& slot)
    {
        slot.entry().~Entry();
        --m_size;
        // A slot followed by an empty one ends no probe chain that continues past it.
        size_t next = (static_cast<size_t>(&slot - m_slots) + 1) & mask();
        if (m_slots[next].state == State::Empty) {
            slot.state = State::Empty;
        } else {
            slot.state = State::Tombstone;
            ++m_tombstones;
        }
    }

    static bool fits(size_t occupied, size_t capacity) { return occupied * 4 <= capacity * 3; }

    Result<void> reserve_for_insert(size_t extra)
    {
        if (m_capacity && fits(m_size + m_tombstones + extra, m_capacity))
            return {};
        // Rehash so that live entries fill at most half the table (tombstones vanish).
        size_t wanted = m_size + extra;
        size_t capacity = max(minimum_capacity, m_capacity);
        while (wanted > capacity / 2) {
            if (capacity > SIZE_MAX / (2 * sizeof(Slot)))
                return Error { ENOMEM };
            capacity *= 2;
        }
        return rehash(capacity);
    }

    Result<void> rehash(size_t capacity)
    {
        auto* fresh = static_cast<Slot*>(::operator new(capacity * sizeof(Slot), std::nothrow));
        if (!fresh)
            return Error { ENOMEM };
        for (size_t i = 0; i < capacity; ++i)
            fresh[i].state = State::Empty;
        Slot* old = std::exchange(m_slots, fresh);
        size_t old_capacity = std::exchange(m_capacity, capacity);
        m_size = m_tombstones = 0;
        for (size_t i = 0; i < old_capacity; ++i) {
            if (old[i].state != State::Live)
                continue;
            Entry& entry = old[i].entry();
            insert_absent(std::move(entry.key), std::move(entry.value));
            entry.~Entry();
        }
        ::operator delete(old);
        return {};
    }

    Slot* m_slots { nullptr };
    size_t m_capacity { 0 };
    size_t m_size { 0 };
    size_t m_tombstones { 0 };
};

} // namespace sk

// Intrusive doubly-linked list: the node lives inside the element, so linking and unlinking
// never allocate and removal is O(1). The list does not own its elements.
//
//   struct Thread { IntrusiveListNode m_run_node; };
//   IntrusiveList<Thread, &Thread::m_run_node> run_queue;
#pragma once

#include <lib/Types.h>
#include <lib/Verify.h>

namespace sk {

struct IntrusiveListNode {
    IntrusiveListNode* prev { nullptr };
    IntrusiveListNode* next { nullptr };
    bool is_linked() const { return next != nullptr; }
    void unlink()
    {
        if (!next)
            return;
        prev->next = next;
        next->prev = prev;
        prev = next = nullptr;
    }
};

template<typename T, IntrusiveListNode T::*Member>
class IntrusiveList {
public:
    IntrusiveList() { m_head.prev = m_head.next = &m_head; }
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;
    ~IntrusiveList() { clear(); }

    bool is_empty() const { return m_head.next == &m_head; }
    size_t size_slow() const
    {
        size_t n = 0;
        for (auto* node = m_head.next; node != &m_head; node = node->next)
            ++n;
        return n;
    }

    void append(T& element) { insert_before(&m_head, element); }
    void prepend(T& element) { insert_before(m_head.next, element); }
    void remove(T& element) { (element.*Member).unlink(); }
    static bool is_linked(const T& element) { return (element.*Member).is_linked(); }

    T* first() const { return is_empty() ? nullptr : from_node(m_head.next); }
    T* last() const { return is_empty() ? nullptr : from_node(m_head.prev); }
    // The element after element (which is in this list), or null at the end.
    T* next_of(T& element) const
    {
        IntrusiveListNode* next = (element.*Member).next;
        return next == &m_head ? nullptr : from_node(next);
    }
    // Moves every element of `other` to the end (append_all) or the front (prepend_all) of
    // this list, in their order, in O(1); `other` is empty afterwards.
    void append_all(IntrusiveList& other) { splice_before(&m_head, other); }
    void prepend_all(IntrusiveList& other) { splice_before(m_head.next, other); }
    T* take_first()
    {
        T* element = first();
        if (element)
            remove(*element);
        return element;
    }
    void clear()
    {
        while (!is_empty())
            m_head.next->unlink();
    }

    class Iterator {
    public:
        Iterator(IntrusiveListNode* node, const IntrusiveListNode* head) : m_node(node), m_next(node->next), m_head(head) { }
        T& operator*() const { return *from_node(m_node); }
        T* operator->() const { return from_node(m_node); }
        // Safe against removal of the current element.
        Iterator& operator++()
        {
            m_node = m_next;
            m_next = m_node->next;
            return *this;
        }
        bool operator!=(const Iterator& other) const { return m_node != other.m_node; }

    private:
        IntrusiveListNode* m_node;
        IntrusiveListNode* m_next;
        const IntrusiveListNode* m_head;
    };
    Iterator begin() { return Iterator(m_head.next, &m_head); }
    Iterator end() { return Iterator(&m_head, &m_head); }

private:
    static T* from_node(IntrusiveListNode* node)
    {
        // Offset of the node inside T, computed on a fake non-null address (a null base
        // would be undefined behaviour the optimizer may exploit).
        constexpr uptr fake = 0x1000;
        auto offset = reinterpret_cast<uptr>(&(reinterpret_cast<T*>(fake)->*Member)) - fake;
        return reinterpret_cast<T*>(reinterpret_cast<uptr>(node) - offset);
    }
    void insert_before(IntrusiveListNode* position, T& element)
    {
        auto& node = element.*Member;
        VERIFY(!node.is_linked());
        node.next = position;
        node.prev = position->prev;
        position->prev->next = &node;
        position->prev = &node;
    }

    void splice_before(IntrusiveListNode* position, IntrusiveList& other)
    {
        if (other.is_empty() || &other == this)
            return;
        IntrusiveListNode* first = other.m_head.next;
        IntrusiveListNode* last = other.m_head.prev;
        first->prev = position->prev;
        last->next = position;
        position->prev->next = first;
        position->prev = last;
        other.m_head.prev = other.m_head.next = &other.m_head;
    }

    IntrusiveListNode m_head;
};

} // namespace sk

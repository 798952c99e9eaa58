// Intrusive, atomic reference counting.
//
//   RefCounted<T>  base class holding the count; the last unref deletes the object.
//   RefPtr<T>      strong reference (may be null).
//   WeakPtr<T>     back-reference that does not keep the object alive; strong_ref() upgrades
//                  it and yields null once the last RefPtr is gone.
//   try_make_ref<T>(args...)  allocate, ENOMEM on exhaustion.
//
// Weak references go through a small shared WeakLink created on first use. The object
// revokes the link (under the link's lock) before it is destroyed, and an upgrade only
// succeeds while the count is non-zero, so a WeakPtr never yields a dying object.
#pragma once

#include <atomic>
#include <lib/Result.h>
#include <lib/Spinlock.h>
#include <lib/Types.h>
#include <new>
#include <utility>

namespace sk {

template<typename T>
class RefPtr;
template<typename T>
class WeakPtr;

class WeakLink {
public:
    void ref() { m_count.fetch_add(1, std::memory_order_relaxed); }
    void unref()
    {
        if (m_count.fetch_sub(1, std::memory_order_acq_rel) == 1)
            delete this;
    }

private:
    template<typename>
    friend class RefCounted;
    template<typename>
    friend class WeakPtr;

    Spinlock m_lock;
    void* m_object { nullptr }; // guarded by m_lock; null once the object is dying
    std::atomic<u32> m_count { 1 };
};

template<typename T>
class RefCounted {
public:
    RefCounted() = default;
    RefCounted(const RefCounted&) = delete;
    RefCounted& operator=(const RefCounted&) = delete;

    void ref() const { m_ref_count.fetch_add(1, std::memory_order_relaxed); }
    void unref() const
    {
        if (m_ref_count.fetch_sub(1, std::memory_order_acq_rel) != 1)
            return;
        if (auto* link = m_weak_link.load(std::memory_order_acquire)) {
            {
                SpinlockGuard guard(link->m_lock);
                link->m_object = nullptr;
            }
            link->unref();
        }
        delete static_cast<const T*>(this);
    }
    u32 ref_count() const { return m_ref_count.load(std::memory_order_relaxed); }

    // Used by WeakPtr: take a reference only if the object is still alive.
    bool try_ref() const
    {
        u32 count = m_ref_count.load(std::memory_order_relaxed);
        while (count != 0) {
            if (m_ref_count.compare_exchange_weak(count, count + 1, std::memory_order_acq_rel))
                return true;
        }
        return false;
    }

    // Returns a referenced link, or null on allocation failure.
    WeakLink* weak_link() const
    {
        WeakLink* link = m_weak_link.load(std::memory_order_acquire);
        if (!link) {
            auto* fresh = new (std::nothrow) WeakLink;
            if (!fresh)
                return nullptr;
            fresh->m_object = const_cast<T*>(static_cast<const T*>(this));
            if (m_weak_link.compare_exchange_strong(link, fresh, std::memory_order_acq_rel))
                link = fresh;
            else
                fresh->unref();
        }
        link->ref();
        return link;
    }

protected:
    ~RefCounted() = default;

private:
    mutable std::atomic<u32> m_ref_count { 0 };
    mutable std::atomic<WeakLink*> m_weak_link { nullptr }; // owns one link reference
};

template<typename T>
class RefPtr {
public:
    RefPtr() = default;
    RefPtr(std::nullptr_t) { }
    RefPtr(T* ptr) : m_ptr(ptr) { if (m_ptr) m_ptr->ref(); }
    RefPtr(T& ref) : m_ptr(&ref) { m_ptr->ref(); }
    RefPtr(const RefPtr& other) : RefPtr(other.m_ptr) { }
    RefPtr(RefPtr&& other) : m_ptr(other.leak()) { }
    template<typename U>
    RefPtr(const RefPtr<U>& other) : RefPtr(static_cast<T*>(other.ptr())) { }
    template<typename U>
    RefPtr(RefPtr<U>&& other) : m_ptr(static_cast<T*>(other.leak())) { }
    ~RefPtr() { clear(); }

    RefPtr& operator=(const RefPtr& other)
    {
        RefPtr copy(other);
        swap(copy);
        return *this;
    }
    RefPtr& operator=(RefPtr&& other)
    {
        RefPtr moved(std::move(other));
        swap(moved);
        return *this;
    }
    RefPtr& operator=(std::nullptr_t) { clear(); return *this; }

    static RefPtr adopt(T* ptr)
    {
        RefPtr result;
        result.m_ptr = ptr;
        return result;
    }

    void clear()
    {
        if (T* ptr = std::exchange(m_ptr, nullptr))
            ptr->unref();
    }
    T* leak() { return std::exchange(m_ptr, nullptr); }
    void swap(RefPtr& other) { std::swap(m_ptr, other.m_ptr); }

    T* ptr() const { return m_ptr; }
    T* operator->() const { VERIFY(m_ptr); return m_ptr; }
    T& operator*() const { VERIFY(m_ptr); return *m_ptr; }
    explicit operator bool() const { return m_ptr != nullptr; }
    bool operator==(const RefPtr& other) const { return m_ptr == other.m_ptr; }
    bool operator==(const T* other) const { return m_ptr == other; }

private:
    T* m_ptr { nullptr };
};

template<typename T, typename... Args>
Result<RefPtr<T>> try_make_ref(Args&&... args)
{
    T* object = new (std::nothrow) T(std::forward<Args>(args)...);
    if (!object)
        return Error { ENOMEM };
    return RefPtr<T>(object);
}

template<typename T>
class WeakPtr {
public:
    WeakPtr() = default;
    // A weak reference whose link could not be allocated behaves as an expired one.
    WeakPtr(const T& object) : m_link(object.weak_link()) { }
    WeakPtr(const RefPtr<T>& object) : m_link(object ? object->weak_link() : nullptr) { }
    WeakPtr(const WeakPtr& other) : m_link(other.m_link) { if (m_link) m_link->ref(); }
    WeakPtr(WeakPtr&& other) : m_link(std::exchange(other.m_link, nullptr)) { }
    ~WeakPtr() { clear(); }
    WeakPtr& operator=(const WeakPtr& other)
    {
        WeakPtr copy(other);
        std::swap(m_link, copy.m_link);
        return *this;
    }
    WeakPtr& operator=(WeakPtr&& other)
    {
        WeakPtr moved(std::move(other));
        std::swap(m_link, moved.m_link);
        return *this;
    }

    void clear()
    {
        if (auto* link = std::exchange(m_link, nullptr))
            link->unref();
    }

    RefPtr<T> strong_ref() const
    {
        if (!m_link)
            return nullptr;
        SpinlockGuard guard(m_link->m_lock);
        auto* object = static_cast<T*>(m_link->m_object);
        if (!object || !object->try_ref())
            return nullptr;
        return RefPtr<T>::adopt(object);
    }
    bool is_null() const { return !m_link; }

    // Identity comparison without upgrading (valid while the link is held).
    bool points_to(const T* object) const
    {
        if (!m_link)
            return false;
        SpinlockGuard guard(m_link->m_lock);
        return m_link->m_object == object;
    }

private:
    WeakLink* m_link { nullptr };
};

} // namespace sk

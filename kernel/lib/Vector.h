// Vector<T>: a growable array whose growth is fallible (ENOMEM), never a panic.
#pragma once

#include <lib/Result.h>
#include <lib/Types.h>
#include <lib/Verify.h>
#include <new>
#include <utility>

namespace sk {

template<typename T>
class Vector {
public:
    Vector() = default;
    Vector(const Vector&) = delete;
    Vector& operator=(const Vector&) = delete;
    Vector(Vector&& other)
        : m_data(std::exchange(other.m_data, nullptr))
        , m_size(std::exchange(other.m_size, 0))
        , m_capacity(std::exchange(other.m_capacity, 0))
    {
    }
    Vector& operator=(Vector&& other)
    {
        if (this != &other) {
            clear_and_free();
            m_data = std::exchange(other.m_data, nullptr);
            m_size = std::exchange(other.m_size, 0);
            m_capacity = std::exchange(other.m_capacity, 0);
        }
        return *this;
    }
    ~Vector() { clear_and_free(); }

    size_t size() const { return m_size; }
    size_t capacity() const { return m_capacity; }
    bool is_empty() const { return m_size == 0; }
    T* data() { return m_data; }
    const T* data() const { return m_data; }
    T& operator[](size_t i) { VERIFY(i < m_size); return m_data[i]; }
    const T& operator[](size_t i) const { VERIFY(i < m_size); return m_data[i]; }
    T& first() { return (*this)[0]; }
    T& last() { return (*this)[m_size - 1]; }
    T* begin() { return m_data; }
    T* end() { return m_data + m_size; }
    const T* begin() const { return m_data; }
    const T* end() const { return m_data + m_size; }

    Result<void> try_ensure_capacity(size_t wanted)
    {
        if (wanted <= m_capacity)
            return {};
        size_t new_capacity = max<size_t>(wanted, m_capacity * 2);
        new_capacity = max<size_t>(new_capacity, 4);
        if (new_capacity > SIZE_MAX / sizeof(T)) // the byte count would wrap around
            return Error { ENOMEM };
        auto* fresh = static_cast<T*>(::operator new(new_capacity * sizeof(T), std::nothrow));
        if (!fresh)
            return Error { ENOMEM };
        for (size_t i = 0; i < m_size; ++i) {
            new (&fresh[i]) T(std::move(m_data[i]));
            m_data[i].~T();
        }
        ::operator delete(m_data);
        m_data = fresh;
        m_capacity = new_capacity;
        return {};
    }

    template<typename U>
    Result<void> try_append(U&& value)
    {
        TRY(try_ensure_capacity(m_size + 1));
        new (&m_data[m_size++]) T(std::forward<U>(value));
        return {};
    }

    Result<void> try_resize(size_t new_size)
    {
        TRY(try_ensure_capacity(new_size));
        while (m_size < new_size)
            new (&m_data[m_size++]) T();
        while (m_size > new_size)
            m_data[--m_size].~T();
        return {};
    }

    void remove(size_t index)
    {
        VERIFY(index < m_size);
        for (size_t i = index; i + 1 < m_size; ++i)
            m_data[i] = std::move(m_data[i + 1]);
        m_data[--m_size].~T();
    }
    T take_last()
    {
        VERIFY(m_size > 0);
        T value = std::move(m_data[m_size - 1]);
        m_data[--m_size].~T();
        return value;
    }
    void clear()
    {
        while (m_size > 0)
            m_data[--m_size].~T();
    }
    void clear_and_free()
    {
        clear();
        ::operator delete(m_data);
        m_data = nullptr;
        m_capacity = 0;
    }

private:
    T* m_data { nullptr };
    size_t m_size { 0 };
    size_t m_capacity { 0 };
};

} // namespace sk

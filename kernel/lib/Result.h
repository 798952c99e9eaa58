// Result<T>: a T or an Error. Fallible code returns it and propagates with TRY; the syscall
// layer turns an Error into -errno. No exceptions anywhere.
#pragma once

#include <lib/Errno.h>
#include <lib/Verify.h>
#include <new>
#include <utility>

namespace sk {

template<typename T>
class [[nodiscard]] Result {
public:
    Result(const T& value) : m_is_error(false) { new (&m_storage.value) T(value); }
    Result(T&& value) : m_is_error(false) { new (&m_storage.value) T(std::move(value)); }
    template<typename U>
        requires(!std::is_same_v<std::remove_cvref_t<U>, T> && !std::is_same_v<std::remove_cvref_t<U>, Error>
                 && std::is_constructible_v<T, U &&>)
    Result(U&& value) : m_is_error(false) { new (&m_storage.value) T(std::forward<U>(value)); }
    Result(Error error) : m_is_error(true) { m_storage.error = error; }
    Result(Result&& other) : m_is_error(other.m_is_error)
    {
        if (m_is_error)
            m_storage.error = other.m_storage.error;
        else
            new (&m_storage.value) T(std::move(other.m_storage.value));
    }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    Result& operator=(Result&&) = delete;
    ~Result()
    {
        if (!m_is_error)
            m_storage.value.~T();
    }

    bool is_error() const { return m_is_error; }
    Error error() const { VERIFY(m_is_error); return m_storage.error; }
    T& value() { VERIFY(!m_is_error); return m_storage.value; }
    const T& value() const { VERIFY(!m_is_error); return m_storage.value; }
    T release_value() { VERIFY(!m_is_error); return std::move(m_storage.value); }

private:
    union Storage {
        Storage() { }
        ~Storage() { }
        T value;
        Error error;
    } m_storage;
    bool m_is_error;
};

template<>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(error), m_is_error(true) { }
    bool is_error() const { return m_is_error; }
    Error error() const { VERIFY(m_is_error); return m_error; }
    void value() const { }
    void release_value() const { }

private:
    Error m_error { 0 };
    bool m_is_error { false };
};

using ErrorOr = Result<void>;

} // namespace sk

// TRY(expr): evaluate a Result; on error return the error from the enclosing function,
// otherwise yield the value.
#define TRY(expr)                                   \
    ({                                              \
        auto _try_result = (expr);                  \
        if (_try_result.is_error()) [[unlikely]]    \
            return _try_result.error();             \
        _try_result.release_value();                \
    })

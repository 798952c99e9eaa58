#include <selftest/SelfTest.h>
#include <string.h>

namespace sk::selftest {

__attribute__((weak)) bool storage() { return false; }

bool run(const char* name, bool& passed)
{
    struct Entry {
        const char* name;
        bool (*function)();
    };
    static const Entry tests[] = {
        { "none", [] { return true; } },
        { "memory", memory },
        { "threads", threads },
        { "fault", fault },
        { "storage", storage },
        { "vm", address_space },
    };
    for (auto& test : tests) {
        if (strcmp(test.name, name) == 0) {
            passed = test.function();
            return true;
        }
    }
    return false;
}

} // namespace sk::selftest

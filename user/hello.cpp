// hello — the smallest Sockeye user program: proves exec, write(2) and exit(2) work.
#include <cstdio>

int main()
{
    std::puts("hello");
    return 0;
}

// The kernel's allocations are fallible (nothrow new → ENOMEM), and tests exercise that with
// impossible sizes; under ASan such a request must return null rather than abort the run.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }

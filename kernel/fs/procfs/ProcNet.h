// /proc/net: files that the subsystems they describe publish (Linux's proc_create_net), so
// procfs itself knows nothing about sockets. A subsystem registers a generator once, at boot
// (from a static constructor); each read of /proc/net/<name> calls it to print the whole text
// through a FormatSink.
//
// Locking: the table only grows, under s_lock; a registered entry never changes.
#pragma once

#include <lib/Format.h>
#include <lib/Result.h>
#include <lib/StringView.h>

namespace sk {

class ProcText;

using ProcNetGenerator = void (*)(FormatSink sink, void* context);

// False when the table is full (a kernel configuration error, reported at boot).
bool proc_register_net_file(const char* name, ProcNetGenerator generate);

// For ProcFileSystem.cpp: the registered files, by index in registration order.
size_t proc_net_file_count();
const char* proc_net_file_name(size_t index);
bool proc_net_file_find(StringView name, u32& index);
Result<void> generate_net_file(u32 index, ProcText& text);

} // namespace sk

// The kernel's identity as uname(2), /proc/version and the boot banner give it: Linux's
// fields (Sockeye runs Linux programs, which read them) with Sockeye's own release and
// version. The banner is Linux's linux_banner: the first line of the kernel log and, word for
// word, /proc/version.
#pragma once

#define SOCKEYE_UTS_SYSNAME "Linux"
#define SOCKEYE_UTS_RELEASE "6.12.0-sockeye"
#define SOCKEYE_UTS_VERSION "#1 SMP Sockeye 0.1"
#define SOCKEYE_LINUX_BANNER "Linux version " SOCKEYE_UTS_RELEASE " (sockeye) " SOCKEYE_UTS_VERSION "\n"

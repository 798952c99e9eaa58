// The Linux socket ABI constants sockfs needs that the UAPI headers do not carry (glibc
// defines them in <sys/socket.h>, which the kernel cannot include). Values are Linux's
// asm-generic ones, as on riscv64. Named in lower case so that they never collide with the
// libc macros in host tests.
#pragma once

#include <lib/Types.h>

namespace sk::net {

constexpr int af_unspec = 0;
constexpr int af_unix = 1;

constexpr int sock_stream = 1;
constexpr int sock_dgram = 2;
constexpr int sock_raw = 3;
constexpr int sock_seqpacket = 5;
constexpr int sock_max = 11;
constexpr int sock_type_mask = 0xf;
constexpr int sock_nonblock = 04000; // O_NONBLOCK
constexpr int sock_cloexec = 02000000; // O_CLOEXEC

constexpr int msg_oob = 0x1;
constexpr int msg_peek = 0x2;
constexpr int msg_ctrunc = 0x8;
constexpr int msg_trunc = 0x20;
constexpr int msg_dontwait = 0x40;
constexpr int msg_eor = 0x80;
constexpr int msg_waitall = 0x100;
constexpr int msg_nosignal = 0x4000;
constexpr int msg_cmsg_cloexec = 0x40000000;

constexpr int shut_rd = 0;
constexpr int shut_wr = 1;
constexpr int shut_rdwr = 2;

constexpr int sol_socket = 1;
constexpr int scm_rights = 1;
constexpr int scm_credentials = 2;

// SCM_MAX_FD: the most file descriptors one SCM_RIGHTS message may carry.
constexpr size_t scm_max_fd = 253;

// struct sockaddr_un: sa_family_t (u16) then 108 path bytes.
constexpr size_t sun_path_offset = 2;
constexpr size_t sun_path_max = 108;
constexpr size_t sockaddr_un_size = sun_path_offset + sun_path_max;
// sizeof(struct sockaddr_storage): the most the syscall layer copies in.
constexpr size_t sockaddr_storage_size = 128;
// The largest getsockopt value at SOL_SOCKET: SO_PEERGROUPS with every supplementary group.
constexpr size_t max_option_size = 256;

// Linux's defaults (net.core.wmem_default / rmem_default, net.unix.max_dgram_qlen).
constexpr size_t default_buffer_size = 212992;
constexpr size_t min_sndbuf = 4608; // SOCK_MIN_SNDBUF: 2 * (2048 + sizeof(struct sk_buff))
constexpr size_t min_rcvbuf = 2304; // SOCK_MIN_RCVBUF
constexpr size_t max_buffer_size = 212992; // net.core.wmem_max / rmem_max
constexpr size_t default_max_dgram_qlen = 10;
constexpr int somaxconn = 4096;

} // namespace sk::net

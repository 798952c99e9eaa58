/* Raw user-memory access. Any fault between user_access_begin and user_access_end is
 * redirected by the trap handler to user_access_fault (after the page-fault handler had its
 * chance to resolve it), which returns -1.
 *
 * SUM is set on entry to these routines and deliberately never cleared: QEMU 7.2 (Debian 12's,
 * the machine Sockeye is measured on) empties its whole software TLB on every change of
 * sstatus.SUM, so opening and closing the window around each copy, as Linux does, cost two
 * full TLB refills per copy — SCM_RIGHTS passes and 64 KiB stream writes ran about half as
 * fast. The price: a stray kernel dereference of a mapped user address outside these routines
 * no longer faults (there is no SMAP-like trap); by rule (STYLE.md 10) user memory is reached
 * only through here. Boot sets SUM and return_from_trap keeps it set in every sstatus it
 * restores (exec builds a fresh one); the csrs below are then no-ops. */
#define SSTATUS_SUM (1 << 18)

    .section .text
    .globl user_access_begin, user_access_end, user_access_fault

    .balign 4
user_access_begin:

/* long user_memcpy(void* dst, const void* src, size_t n) -> 0, or -1 on a fault */
    .globl user_memcpy
user_memcpy:
    li t6, SSTATUS_SUM
    csrs sstatus, t6
    or t0, a0, a1
    andi t0, t0, 7
    bnez t0, 2f
1:  li t0, 32
    bltu a2, t0, 3f
    ld t1, 0(a1)
    ld t2, 8(a1)
    ld t3, 16(a1)
    ld t4, 24(a1)
    sd t1, 0(a0)
    sd t2, 8(a0)
    sd t3, 16(a0)
    sd t4, 24(a0)
    addi a0, a0, 32
    addi a1, a1, 32
    addi a2, a2, -32
    j 1b
3:  li t0, 8
    bltu a2, t0, 2f
    ld t1, 0(a1)
    sd t1, 0(a0)
    addi a0, a0, 8
    addi a1, a1, 8
    addi a2, a2, -8
    j 3b
2:  beqz a2, 4f
    lbu t1, 0(a1)
    sb t1, 0(a0)
    addi a0, a0, 1
    addi a1, a1, 1
    addi a2, a2, -1
    j 2b
4:
    li a0, 0
    ret

/* long user_memset(void* dst, int c, size_t n) -> 0 or -1 */
    .globl user_memset
user_memset:
    li t6, SSTATUS_SUM
    csrs sstatus, t6
1:  beqz a2, 2f
    sb a1, 0(a0)
    addi a0, a0, 1
    addi a2, a2, -1
    j 1b
2:
    li a0, 0
    ret

/* long user_strncpy(char* dst, const char* src, size_t max): copies bytes up to and
 * including a NUL, reading at most max bytes. Returns the length without the NUL, max when
 * no NUL was found, -1 on a fault. */
    .globl user_strncpy
user_strncpy:
    li t6, SSTATUS_SUM
    csrs sstatus, t6
    li t0, 0
1:  bgeu t0, a2, 3f
    add t1, a1, t0
    lbu t2, 0(t1)
    add t3, a0, t0
    sb t2, 0(t3)
    beqz t2, 2f
    addi t0, t0, 1
    j 1b
2:
    mv a0, t0
    ret
3:
    mv a0, a2
    ret

/* long user_load32(const u32* address, u32* out) -> 0 or -1 */
    .globl user_load32
user_load32:
    li t6, SSTATUS_SUM
    csrs sstatus, t6
    lw t0, 0(a0)
    sw t0, 0(a1)
    li a0, 0
    ret

user_access_fault:
    li a0, -1
    ret
user_access_end:

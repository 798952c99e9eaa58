/* Entry from OpenSBI: a0 = hart id, a1 = physical address of the device tree, MMU off.
 *
 * One hart wins the boot lottery; any other that arrives parks. The winner builds the boot
 * page table (Sv39, 1 GiB pages): the image's physical range identity-mapped (to survive the
 * satp write), the image again at 0xffffffff80000000 where it is linked, and the direct map
 * of physical memory at 0xffffffc000000000. Then it jumps to the linked address, clears .bss
 * and calls kmain(hart_id, dtb_physical). Every address space later shares the upper half
 * (entries 256..511) of this table. */
#define PTE_KERNEL_LEAF 0xef /* V R W X G A D */

    .section .text.boot, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    mv s0, a0
    mv s1, a1
    lla t0, boot_lottery
    li t1, 1
    amoswap.w t1, t1, (t0)
    bnez t1, park

    lla t0, boot_page_table
    /* identity and high mapping of the 1 GiB at 0x80000000 */
    li t1, ((0x80000000 >> 12) << 10) | PTE_KERNEL_LEAF
    sd t1, (2 * 8)(t0)
    li t5, 510 * 8
    add t5, t0, t5
    sd t1, 0(t5)
    /* direct map: entries 256..259 map physical 0..4 GiB */
    li t2, 0
    li t3, 4
    li t4, 256 * 8
    add t4, t0, t4
1:  slli t1, t2, 30
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, PTE_KERNEL_LEAF
    sd t1, 0(t4)
    addi t4, t4, 8
    addi t2, t2, 1
    blt t2, t3, 1b

    srli t0, t0, 12
    li t1, 8 << 60
    or t0, t0, t1
    sfence.vma
    csrw satp, t0
    sfence.vma

    lla t0, high_entry_address
    ld t0, 0(t0)
    jr t0

park:
    wfi
    j park

high_entry:
    la sp, boot_stack_top
    la t0, __bss_start
    la t1, __bss_end
2:  bgeu t0, t1, 3f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 2b
3:  mv a0, s0
    mv a1, s1
    li fp, 0
    call kmain
4:  wfi
    j 4b
    .option pop

    .section .rodata
    .balign 8
high_entry_address:
    .dword high_entry

    .section .data
    .balign 4
boot_lottery:
    .word 0

    .section .data.boot_page_table, "aw"
    .balign 4096
    .globl boot_page_table
boot_page_table:
    .zero 4096

    .section .bss
    .balign 16
    .globl boot_stack_bottom
boot_stack_bottom:
    .zero 16384
    .globl boot_stack_top
boot_stack_top:

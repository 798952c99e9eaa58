#!/bin/bash
# gen-ksyms.sh KERNEL_ELF OUT.S — the kernel's text symbol table, sorted by address, as an
# assembly file linked into the final image for symbolized backtraces.
set -euo pipefail
nm=${NM:-riscv64-linux-gnu-nm}
"$nm" -n --defined-only -C "$1" | awk '
  BEGIN { n = 0 }
  $2 ~ /^[tTwW]$/ { addr[n] = $1; $1 = ""; $2 = ""; sub(/^  /, ""); name[n] = $0; n++ }
  END {
    print "    .section .ksyms, \"a\""
    print "    .balign 8"
    print "    .globl ksyms_count, ksyms_addresses, ksyms_name_offsets, ksyms_names"
    print "ksyms_count: .dword " n
    print "ksyms_addresses:"
    for (i = 0; i < n; i++) print "    .dword 0x" addr[i]
    print "ksyms_name_offsets:"
    off = 0
    for (i = 0; i < n; i++) { print "    .word " off; off += length(name[i]) + 1 }
    print "ksyms_names:"
    for (i = 0; i < n; i++) { s = name[i]; gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); print "    .asciz \"" s "\"" }
  }' > "$2"

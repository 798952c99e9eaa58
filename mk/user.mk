# User programs (static glibc riscv64) — filled in by the userland/test-harness work.

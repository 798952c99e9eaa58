# Guest system tests — filled in by the harness work.

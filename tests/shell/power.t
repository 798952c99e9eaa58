reboot and poweroff through busybox init: the shutdown entry of /etc/inittab (/bin/sync) runs,
every process is signalled, and reboot(2) resets or powers off the machine. (init's later
messages, "Sent SIGTERM to all processes" ..., do not always reach the console on Linux.) What was written
on the ext2 root is on the disk afterwards, and e2fsck -fn finds it clean (the harness runs
e2fsck after every transcript). Checked on Linux with the same disk.

## only root may power off
  $ su nobody -s /bin/sh -c poweroff
  poweroff: : Operation not permitted
  [1]

## reboot: the machine starts again and finds what was written before
  $ echo written before the reboot > /root/reboot.txt
  % send reboot\n
  % expect The system is going down NOW!
  % expect OpenSBI v
  % timeout 30
  % setup
  $ cat /root/reboot.txt; rm /root/reboot.txt
  written before the reboot

## poweroff: QEMU ends with status 0, and what was written is on the disk
  $ echo written before poweroff > /root/persist.txt; mkdir /root/persist.d; ln -s persist.txt /root/persist.link
  $ echo on tmpfs > /tmp/gone.txt
  % send poweroff\n
  % expect The system is going down NOW!
  % exit 0
  % debugfs cat /root/persist.txt
  written before poweroff
  % debugfs stat /root/persist.link | grep -o 'Type: [a-z]*\|Fast link dest: .*'
  Type: symlink
  Fast link dest: "persist.txt"
  % debugfs ls -l /root | awk 'NF { print $2, $6, $NF }' | sort -k3
  40700 4096 .
  40755 4096 ..
  40755 4096 persist.d
  120777 11 persist.link
  100644 24 persist.txt

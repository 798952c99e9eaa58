System applets: df, mount, umount, ps, kill, sleep, date, id, whoami, su, env, true, false,
test, uname, free, uptime, sync, dmesg. Every expectation was checked on Linux
(tests/harness/shelltest.py --linux) with the same disk.

## id, whoami, su: root, and nobody cannot write a 0644 root file
  $ id; whoami
  uid=0(root) gid=0(root)
  root
  $ echo secret > /root/owned-by-root; chmod 644 /root/owned-by-root; cp /root/owned-by-root /tmp/root-file
  $ su nobody -s /bin/sh -c 'id; whoami; cat /tmp/root-file; echo overwrite > /tmp/root-file'
  uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)
  nobody
  secret
  sh: can't create /tmp/root-file: Permission denied
  [1]
  $ su nobody -s /bin/sh -c 'cat /root/owned-by-root'
  cat: can't open '/root/owned-by-root': Permission denied
  [1]
  $ su nobody -s /bin/sh -c 'touch /tmp/nobody-file; mkdir /tmp/nobody-dir'
  $ su nobody -s /bin/sh -c 'rm -f /tmp/root-file'
  rm: can't remove '/tmp/root-file': Operation not permitted
  [1]
  $ ls -ld /tmp/nobody-file /tmp/nobody-dir | cut -c1-40
  drwxr-xr-x    2 nobody   nogroup        
  -rw-r--r--    1 nobody   nogroup        
  $ cat /tmp/root-file
  secret
  $ su nobody -c true
  This account is not available
  [1]
  $ rm -r /root/owned-by-root /tmp/root-file /tmp/nobody-file /tmp/nobody-dir

## env, true, false, test
  $ env -i FOO=bar /usr/bin/env
  FOO=bar
  $ env | grep -E '^(PATH|SHELL|USER)=' | sort
  PATH=/usr/sbin:/usr/bin:/sbin:/bin
  SHELL=/bin/sh
  USER=root
  $ true; echo $?; false; echo $?
  0
  1
  $ test -d / && test -f /etc/passwd && test ! -e /nope && test -L /bin/sh && test -x /bin/busybox && echo files ok
  files ok
  $ test 2 -lt 10 && [ abc = abc ] && [ -n x ] && [ -z "" ] && ! [ 1 -eq 2 ] && echo values ok
  values ok
  $ [ -w /etc/passwd ]; echo $?; su nobody -s /bin/sh -c '[ -w /etc/passwd ]; echo $?'
  0
  1

## uname, date, uptime, free, sleep
  $ uname -s -m; uname -o
  Linux riscv64
  GNU/Linux
  $ uname -r | grep -c .
  1
  $ date +%Y | grep -cE '^20[2-9][0-9]$'
  1
  $ date -u -d @0 '+%Y-%m-%d %H:%M:%S'; date -u -d '2025-01-01 00:00' +%s
  1970-01-01 00:00:00
  1735689600
  $ a=$(date +%s); sleep 1.1; b=$(date +%s); [ $((b - a)) -ge 1 ] && [ $((b - a)) -le 3 ] && echo slept
  slept
  $ uptime
   \d\d:\d\d:\d\d up \d+ min,  0 users,  load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d (re)
  $ free | head -n 1
                total        used        free      shared  buff/cache   available
  $ free | awk 'NR == 2 { print $1, ($2 > 400000 && $2 < 530000) ? "about 512 MiB" : $2 }'
  Mem: about 512 MiB

## ps, kill, sleep
  $ sleep 30 & pid=$!; sleep 0.3; ps -o pid,comm | grep -c "^ *$pid sleep"
  1
  $ kill $pid; sleep 0.2; ps -o pid,comm | grep -c "^ *$pid sleep"
  0
  [1]+  Terminated                 sleep 30
  [1]
  $ ps | head -n 1
  PID   USER     COMMAND
  $ ps | grep -E '^ +1 root .* init$'
      1 root     init
  $ kill -0 1; echo $?; kill -0 99999; echo $?
  0
  sh: can't kill pid 99999: No such process
  1
  $ kill -l 15; kill -l TERM
  TERM
  15
  $ sh -c 'kill -STOP $$; echo resumed' & sleep 0.3; ps -o stat,comm | grep -c '^T *sh'; kill -CONT %1; sleep 0.3
  1
  resumed
  [1]+  Done                       sh -c "kill -STOP \$\$; echo resumed"

## /proc as ps, top, pidof and a shell read it
  $ grep -E '^(Sig|Shd)' /proc/$$/status
  SigQ:	0/\d+ (re)
  SigPnd:	0000000000000000
  ShdPnd:	0000000000000000
  SigBlk:	0000000000000000
  SigIgn:	0000000000284004
  SigCgt:	0000000000010002
  $ tr '\0' '\n' </proc/$$/environ | grep -E '^(PATH|USER)=' | sort
  PATH=/sbin:/usr/sbin:/bin:/usr/bin
  USER=root
  $ ls -l /proc/self/environ | cut -c1-10; su nobody -s /bin/sh -c 'cat /proc/1/environ'
  -r--------
  cat: can't open '/proc/1/environ': Permission denied
  [1]
  $ grep -c '\[stack\]$' /proc/self/maps; grep -c '^[0-9a-f]*-[0-9a-f]* r-xp ' /proc/self/maps
  1
  [1-9] (re)
  $ cat /proc/loadavg
  \d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+ (re)
  $ head -n 1 /proc/stat; grep -c '^btime [1-9][0-9]*$' /proc/stat
  cpu  \d+ \d+ \d+ \d+ \d+ \d+ \d+ \d+ \d+ \d+ (re)
  1
  $ top -b -n 1 | head -n 4
  Mem: \d+K used, \d+K free, \d+K shrd, \d+K buff, \d+K cached (re)
  CPU: +\d+% usr +\d+% sys +\d+% nic +\d+% idle +\d+% io +\d+% irq +\d+% sirq (re)
  Load average: \d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+ (re)
    PID  PPID USER     STAT   VSZ %VSZ %CPU COMMAND
  $ pidof init; grep -c '^processor' /proc/cpuinfo; grep -w -c proc /proc/filesystems
  1
  1
  1

## dmesg: the kernel log from boot, opened by the banner /proc/version repeats (syslog(2))
Debian's kernel restricts the log to root (dmesg_restrict).
  $ dmesg | head -n 1
  \[ +\d+\.\d{6}\] Linux version .* (re)
  $ dmesg | head -n 1 | sed 's/^\[ *[0-9]*\.[0-9]*\] //' | cmp - /proc/version && echo same as /proc/version
  same as /proc/version
  $ dmesg -r | head -n 1 | grep -c '^<5>\[ *[0-9]*\.[0-9]*\] Linux version '
  1
  $ su nobody -s /bin/sh -c dmesg
  dmesg: klogctl: Operation not permitted
  [1]

## dmesg shows Sockeye's boot lines
  % linux-differs Linux logs its own boot messages, not Sockeye's
  $ dmesg | grep -E 'Sockeye 0\.1 riscv64|mount: ext2'
  \[ +\d+\.\d{6}\] Sockeye 0\.1 riscv64 \(hart \d+, 512 MiB RAM, timebase \d+ Hz\) (re)
  \[ +\d+\.\d{6}\] mount: ext2 \(vda\) on /, 4096-byte blocks, \d+ of 31740 free (re)

## mount, umount, df, sync
  % linux-differs the Linux reference mounts the disk from its initramfs: /dev/vda, not /dev/root
  $ mount | grep -E ' on /(tmp|proc)? ' | sed 's/ (.*//' | sort
  /dev/root on / type ext2
  proc on /proc type proc
  tmpfs on /tmp type tmpfs
  $ mkdir -p /tmp/m && mount -t tmpfs -o size=1m none /tmp/m && echo inside > /tmp/m/f && cat /tmp/m/f
  inside
  $ grep /tmp/m /proc/mounts | cut -d' ' -f2-3
  /tmp/m tmpfs
  $ df /tmp/m | tail -n 1 | awk '{print $2, $6}'
  1024 /tmp/m
  $ umount /tmp/m && ls /tmp/m && grep -c /tmp/m /proc/mounts
  0
  [1]
  $ umount /tmp/m
  umount: can't unmount /tmp/m: Invalid argument
  [1]
  $ df -h / | head -n 1
  Filesystem                Size      Used Available Use% Mounted on
  $ echo data > /root/synced; sync; echo $?
  0
  $ rm /root/synced; rmdir /tmp/m

## mount(2) keeps the source it was given (/proc/mounts, df)
  $ mkdir -p /tmp/m && mount -t tmpfs -o size=1m none /tmp/m && grep /tmp/m /proc/mounts | cut -d' ' -f1-3
  none /tmp/m tmpfs
  $ df /tmp/m | tail -n 1 | awk '{print $1, $6}'
  none /tmp/m
  $ umount /tmp/m; rmdir /tmp/m

## df counts the blocks as Linux does (the inode tables and other metadata are not in the size)
  $ df / | tail -n 1 | awk '{print $2, $6}'
  126960 /
  $ df -k / | tail -n 1 | awk '{print ($2 - $3 == $4) ? "used + available = size" : $0}'
  used + available = size

## init gives the shell Linux's initial environment
The kernel passes HOME=/ and TERM=linux to init; busybox init makes TERM vt102 on a serial console.
  $ echo $HOME $TERM
  / vt102

## init's resource limits are Linux's (INIT_RLIMITS): no core files by default
  $ ulimit -c; ulimit -Hc; ulimit -n; ulimit -s; ulimit -e; ulimit -r
  0
  unlimited
  1024
  8192
  0
  0

busybox init on Sockeye: /etc/inittab runs /etc/init.d/rcS once, keeps a login shell on the
console (respawned when it exits), and on `reboot`/`poweroff` runs the shutdown entry
(/bin/sync), signals every process and calls reboot(2). Format: tests/shell/README.md.

## rcS ran: the hostname comes from /etc/hostname
  $ hostname
  sockeye
  $ uname -n
  sockeye
  $ hostname sockeye-test; hostname; uname -n
  sockeye-test
  sockeye-test
  $ hostname -F /etc/hostname; hostname
  sockeye

## init is pid 1, busybox, and the login shell's parent
  $ cat /proc/1/comm
  init
  $ tr '\0' . </proc/1/cmdline; echo
  init.......
  $ echo $0
  -/bin/sh
  $ cut -d' ' -f4 /proc/$$/stat
  1
  $ ps -o pid,ppid,comm | grep ' init$'
  \s+1\s+0 init (re)

## the shell leads its session and owns the console
  $ cut -d' ' -f5,6 /proc/$$/stat | tr ' ' '\n' | uniq | wc -l
  1
  $ tty
  /dev/console
  $ test -t 0 && echo a terminal
  a terminal

## init reaps orphans: a daemonised child leaves no zombie
  $ sh -c 'sleep 0.2 & exit 0'
  $ sleep 1; ps -o stat,comm | grep -c '^Z'
  0
  [1]

## an exited login shell is respawned
  $ echo $$ >/tmp/first-shell
  % send exit\n
  % setup
  $ test $$ != $(cat /tmp/first-shell) && echo a new shell
  a new shell
  $ cut -d' ' -f4 /proc/$$/stat
  1

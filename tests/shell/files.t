File applets on ext2 (/root, the disk) and tmpfs (/tmp): ls, cat, echo, printf, mkdir, rmdir,
rm, cp, mv, ln, chmod, chown, stat, touch, head, tail, wc, grep, sed, find, xargs, sort, uniq, du.
Every expectation was checked on Linux (tests/harness/shelltest.py --linux) with the same disk.

## ls -l shows the mode string, owner names from /etc/passwd and sizes
  $ ls -l /etc/passwd /etc/group /etc/init.d/rcS
  -rw-r--r--    1 root     root            40 Jan  1  2025 /etc/group
  -rwxr-xr-x    1 root     root           133 Jan  1  2025 /etc/init.d/rcS
  -rw-r--r--    1 root     root            89 Jan  1  2025 /etc/passwd
  $ ls -ld / /tmp /root /proc /bin/sh
  drwxr-xr-x   14 root     root          4096 Jan  1  2025 /
  lrwxrwxrwx    1 root     root            12 Jan  1  2025 /bin/sh -> /bin/busybox
  dr-xr-xr-x  \s*\d+ root     root             0 .* /proc (re)
  drwx------    2 root     root          4096 Jan  1  2025 /root
  drwxrwxrwt    2 root     root            40 .* /tmp (re)
  $ ls -ln /etc/passwd
  -rw-r--r--    1 0        0               89 Jan  1  2025 /etc/passwd
  $ touch /tmp/owned; chown nobody:nogroup /tmp/owned; ls -l /tmp/owned
  -rw-r--r--    1 nobody   nogroup          0 .* /tmp/owned (re)
  $ chown 1234:4321 /tmp/owned; ls -ln /tmp/owned; ls -l /tmp/owned
  -rw-r--r--    1 1234     4321             0 .* /tmp/owned (re)
  -rw-r--r--    1 1234     4321             0 .* /tmp/owned (re)
  $ rm /tmp/owned

## ls -la, -i, -R on ext2 and on tmpfs
  $ mkdir -p /root/tree/sub /tmp/tree/sub
  $ for d in /root/tree /tmp/tree; do echo hello > $d/file; echo deeper > $d/sub/inner; done
  $ ls -la /root/tree
  total 16
  drwxr-xr-x    3 root     root          4096 .* \. (re)
  drwx------    3 root     root          4096 .* \.\. (re)
  -rw-r--r--    1 root     root             6 .* file (re)
  drwxr-xr-x    2 root     root          4096 .* sub (re)
  $ ls -la /tmp/tree
  total 4
  drwxr-xr-x    3 root     root            80 .* \. (re)
  drwxrwxrwt    3 root     root            60 .* \.\. (re)
  -rw-r--r--    1 root     root             6 .* file (re)
  drwxr-xr-x    2 root     root            60 .* sub (re)
  $ ls -R /root/tree
  /root/tree:
  file  sub
  
  /root/tree/sub:
  inner
  $ ls -i /root/tree/file | sed 's/^ *[0-9][0-9]* /N /'
  N /root/tree/file
  $ test $(ls -i /root/tree/file | awk '{print $1}') = $(stat -c %i /root/tree/file) && echo same inode
  same inode
  $ ln /root/tree/file /root/tree/hard; ls -li /root/tree/file /root/tree/hard | awk '{print $1 == prev ? "same" : "first", $3; prev = $1}'
  first 2
  same 2

## cat, echo, printf, head, tail, wc
  $ printf '%s=%d %5.2f|%-4s|%x\n' answer 42 3.14159 ab 255
  answer=42  3.14|ab  |ff
  $ echo -n no newline; echo; echo -e 'tab\there'
  no newline
  tab	here
  $ seq 1 20 > /root/nums; head -n 3 /root/nums; tail -n 2 /root/nums
  1
  2
  3
  19
  20
  $ head -c 5 /etc/passwd; echo; tail -c 8 /etc/passwd
  root:
  nologin
  $ wc /root/nums; wc -l < /root/nums; cat /root/nums /root/nums | wc -l
         20        20        51 /root/nums
  20
  40
  $ cat -n /etc/hostname
       1	sockeye

## mkdir, rmdir, rm, cp, mv, ln -s
  $ mkdir /root/d1 && mkdir /root/d1
  mkdir: can't create directory '/root/d1': File exists
  [1]
  $ rmdir /root/d1 && rmdir /root/d1
  rmdir: '/root/d1': No such file or directory
  [1]
  $ mkdir -p /tmp/a/b/c && rmdir -p /tmp/a/b/c 2>/dev/null; ls -d /tmp/a
  ls: /tmp/a: No such file or directory
  [1]
  $ rmdir /root/tree
  rmdir: '/root/tree': Directory not empty
  [1]
  $ cp /root/tree/file /tmp/copy && cat /tmp/copy
  hello
  $ cp -r /root/tree /tmp/tree2 && ls -R /tmp/tree2
  /tmp/tree2:
  file  hard  sub
  
  /tmp/tree2/sub:
  inner
  $ cp -p /etc/passwd /root/passwd.copy && ls -l /root/passwd.copy
  -rw-r--r--    1 root     root            89 Jan  1  2025 /root/passwd.copy
  $ mv /tmp/copy /root/moved && cat /root/moved && ls /tmp/copy
  hello
  ls: /tmp/copy: No such file or directory
  [1]
  $ mv /root/moved /root/renamed && ls /root/moved /root/renamed
  ls: /root/moved: No such file or directory
  /root/renamed
  [1]
  $ ln -s /etc/hostname /root/link && ls -l /root/link && cat /root/link
  lrwxrwxrwx    1 root     root            13 .* /root/link -> /etc/hostname (re)
  sockeye
  $ ln -s nowhere /tmp/dangling; cat /tmp/dangling; readlink /tmp/dangling
  cat: can't open '/tmp/dangling': No such file or directory
  nowhere
  $ rm /root/link /tmp/dangling /root/renamed /root/passwd.copy && rm -r /tmp/tree2 && rm -rf /tmp/none
  $ rm /root/tree
  rm: '/root/tree' is a directory
  [1]

## chmod, touch, stat
  $ touch /root/f; chmod 640 /root/f; stat -c '%a %A %U %G %s %F' /root/f
  640 -rw-r----- root root 0 regular empty file
  $ chmod u+x,g-r,o+w /root/f; stat -c '%a %A' /root/f
  702 -rwx----w-
  $ chmod 4755 /root/f; ls -l /root/f
  -rwsr-xr-x    1 root     root             0 .* /root/f (re)
  $ chmod 1777 /root/tree; ls -ld /root/tree; chmod 755 /root/tree
  drwxrwxrwt    3 root     root          4096 .* /root/tree (re)
  $ touch -d '2024-02-29 12:34:56' /root/f; stat -c '%y' /root/f
  2024-02-29 12:34:56.000000000 +0000
  $ stat -c '%n %s %b %h %F' /root/tree /root/nums /proc/self /dev/null
  /root/tree 4096 8 3 directory
  /root/nums 51 8 1 regular file
  /proc/self 0 0 1 symbolic link
  /dev/null 0 0 1 character special file
  $ stat -c '%t,%T' /dev/null /dev/console
  1,3
  5,1
  $ rm /root/f

## grep, sed, sort, uniq
  $ grep -n root /etc/passwd
  1:root:x:0:0:root:/root:/bin/sh
  $ grep -c -v root /etc/passwd; grep -i ROOT /etc/group; grep -E 'no(body|group)' /etc/group
  1
  root:x:0:
  nogroup:x:65534:
  $ grep nothing /etc/passwd
  [1]
  $ grep x /nonexistent
  grep: /nonexistent: No such file or directory
  [2]
  $ sed -n 's/^\([^:]*\):.*:\([^:]*\)$/\1 uses \2/p' /etc/passwd
  root uses /bin/sh
  nobody uses /usr/sbin/nologin
  $ cp /etc/group /root/g; sed -i 's/users/people/; /^root/d' /root/g; cat /root/g; rm /root/g
  people:x:100:
  nogroup:x:65534:
  $ printf 'b\na\nc\nb\na\n' | sort | uniq -c
        2 a
        2 b
        1 c
  $ printf '10\n9\n100\n' | sort -n -r; printf 'x\ny\nx\n' | sort -u
  100
  10
  9
  x
  y

## find and xargs
  $ find /root/tree | sort
  /root/tree
  /root/tree/file
  /root/tree/hard
  /root/tree/sub
  /root/tree/sub/inner
  $ find /root/tree -type f -name 'in*'; find /root/tree -type d | sort
  /root/tree/sub/inner
  /root/tree
  /root/tree/sub
  $ find /root/tree -type f | sort | xargs cat
  hello
  hello
  deeper
  $ echo a b c | xargs -n 1 echo item
  item a
  item b
  item c
  $ find /etc -name passwd -exec ls -l {} \;
  -rw-r--r--    1 root     root            89 Jan  1  2025 /etc/passwd

## du
  $ du -s /root/tree /tmp/tree
  16	/root/tree
  8	/tmp/tree
  $ du -a /root/tree | sort -k2
  16	/root/tree
  4	/root/tree/file
  8	/root/tree/sub
  4	/root/tree/sub/inner
  $ dd if=/dev/zero of=/root/big bs=4096 count=100 2>/dev/null; du -k /root/big; ls -l /root/big; rm /root/big
  404	/root/big
  -rw-r--r--    1 root     root        409600 .* /root/big (re)
  $ rm -r /root/tree /tmp/tree /root/nums

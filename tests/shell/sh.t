busybox sh (ash) at the console: pipelines, redirections, command substitution, traps and job
control. Every expectation was checked on Linux (tests/harness/shelltest.py --linux).

## pipelines and their status
  $ echo one two three | wc -w
  3
  $ printf 'b\na\nc\n' | sort | head -n 2
  a
  b
  $ true | false
  [1]
  $ false | true
  $ yes sockeye | head -n 3
  sockeye
  sockeye
  sockeye
  $ seq 1 10000 | tail -n 1
  10000
  $ cat /bin/busybox | cat | wc -c
  1614632

## redirections into files on tmpfs (/tmp) and ext2 (/root)
  $ echo first > /tmp/redir.txt; echo second >> /tmp/redir.txt; cat /tmp/redir.txt
  first
  second
  $ echo first > /root/redir.txt; echo second >> /root/redir.txt; cat /root/redir.txt
  first
  second
  $ wc -c < /root/redir.txt
  13
  $ ls /nonexistent 2> /tmp/err.txt; cat /tmp/err.txt
  ls: /nonexistent: No such file or directory
  $ ls /nonexistent /tmp/redir.txt > /root/both.txt 2>&1; cat /root/both.txt
  ls: /nonexistent: No such file or directory
  /tmp/redir.txt
  $ echo to-stderr 1>&2 2>/dev/null
  to-stderr
  $ { echo out; echo err >&2; } 2>&1 >/dev/null
  err
  $ exec 3> /tmp/fd3.txt; echo via fd 3 >&3; exec 3>&-; cat /tmp/fd3.txt
  via fd 3
  $ set -C; echo clobber > /tmp/redir.txt
  -/bin/sh: can't create /tmp/redir.txt: File exists
  [1]
  $ echo forced >| /tmp/redir.txt; set +C; cat /tmp/redir.txt
  forced
  $ cat <<EOF
  > here $((6 * 7))
  > document
  > EOF
  here 42
  document
  $ rm /tmp/redir.txt /tmp/err.txt /tmp/fd3.txt /root/redir.txt /root/both.txt

## command substitution and arithmetic
  $ echo "$(echo a)b$(echo c)"
  abc
  $ echo $(echo $(echo nested))
  nested
  $ echo `echo backticks`
  backticks
  $ n=$(printf '%s\n' 1 2 3 | wc -l); echo $((n * 2))
  6
  $ x=$(false); echo $?
  1
  $ echo "$(cat /etc/hostname | tr a-z A-Z)"
  SOCKEYE

## variables, quoting, functions, loops and exit statuses
  $ f() { local v=$1; echo "[$v]"; return 3; }; f 'a b'; echo $?
  [a b]
  3
  $ for i in 1 2 3; do printf '%s ' $i; done; echo
  1 2 3 
  $ i=0; while [ $i -lt 5 ]; do i=$((i+1)); done; echo $i
  5
  $ case sockeye in sock*) echo matched;; *) echo no;; esac
  matched
  $ set -- x y z; echo $# "$2"
  3 y
  $ (exit 7); echo $?
  7
  $ sh -c 'exit 300'; echo $?
  44
  $ /nonexistent/program
  -/bin/sh: /nonexistent/program: not found
  [127]
  $ /etc/passwd
  -/bin/sh: /etc/passwd: Permission denied
  [126]

## trap
  $ trap 'echo got USR1' USR1; kill -USR1 $$; trap - USR1
  got USR1
  $ sh -c 'trap "echo bye" EXIT; exit 3'
  bye
  [3]
  $ sh -c 'trap "echo caught INT" INT; kill -INT $$; echo after'
  caught INT
  after
  $ sh -c 'trap "" TERM; kill -TERM $$; echo survived'
  survived
  $ sh -c 'kill -TERM $$; echo not reached'
  Terminated
  [143]
  $ trap
  $ trap 'echo on exit' EXIT; trap
  trap -- 'echo on exit' EXIT
  $ trap - EXIT

## job control: background jobs, jobs, kill %n, wait
  $ sleep 30 &
  $ sleep 0.3; jobs
  [1]+  Running                    sleep 30
  $ kill %1; wait
  [1]+  Terminated                 sleep 30
  $ sleep 0.1 & wait $!; echo status $?
  status 0
  [1]+  Done                       sleep 0.1
  $ (exit 5) & wait $!; echo status $?
  status 5
  [1]+  Done(5)                    (exit 5)

## ^C interrupts sleep 100 at the prompt
  % send sleep 100\n
  % sleep 0.5
  % send \x03
  % prompt
  
  [130]
  $ echo still here
  still here

## ^Z stops the foreground job; bg and fg continue it
(A child that changes state while the shell waits at its prompt makes ash print a second
prompt; so each job's state changes here while a foreground command runs.)
  % send sleep 100\n
  % sleep 0.5
  % send \x1a
  % prompt
  [1]+  Stopped                    sleep 100
  [148]
  $ jobs
  [1]+  Stopped                    sleep 100
  $ bg; sleep 0.2
  [1] sleep 100
  $ jobs
  [1]+  Running                    sleep 100
  % send fg\n
  % expect sleep 100\n
  % sleep 0.3
  % send \x03
  % prompt
  
  [130]
  $ jobs

## ^\ quits the foreground job
  % send sleep 100\n
  % sleep 0.5
  % send \x1c
  % prompt
  Quit
  [131]

## a background job that reads the terminal is stopped with SIGTTIN
  $ cat </dev/tty & sleep 0.5
  [1]+  Stopped (tty input)        cat 0</dev/tty
  $ jobs
  [1]+  Stopped (tty input)        cat 0</dev/tty
  $ kill -KILL %1; sleep 0.2; jobs
  [1]+  Killed                     cat 0</dev/tty

## ... but not through /dev/console (Linux's job_control(): "don't stop on /dev/console")
  % send head -n 1 </dev/console >/tmp/console-line & wait $!; echo status $?; cat /tmp/console-line\n
  % sleep 0.5
  % send typed for the background job\n
  % prompt
  status 0
  typed for the background job
  [1]+  Done                       head -n 1 0</dev/console 1>/tmp/console-line

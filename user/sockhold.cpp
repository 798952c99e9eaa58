// sockhold PATH [COMMAND ARGS... [; COMMAND ARGS...]...]
//
// Binds a stream socket to PATH, listens, and holds one established connection to it (a
// client socket in this process connected to the accepted server socket). Then it runs each
// COMMAND (';' separates them; with none, it waits for a line on stdin so that commands can
// be run from a shell meanwhile), and finally shows that the established connection still
// carries data both ways — whatever happened to the name, e.g. `rm PATH`: unlink removes only
// the name. It also reports whether the name still exists and whether a new connect to it
// succeeds. Used by tests/boot/unix-shell.toml:
//
//   sockhold /tmp/test.sock ls -l /tmp/test.sock ; stat -c %F /tmp/test.sock ; rm /tmp/test.sock
//
// Exit status 0 when the connection worked at the end, 1 otherwise.
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

static sockaddr_un address_of(const char* path, socklen_t* length)
{
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    strncpy(address.sun_path, path, sizeof(address.sun_path) - 1);
    *length = offsetof(sockaddr_un, sun_path) + strlen(address.sun_path) + 1;
    return address;
}

static int run(std::vector<char*>& argv)
{
    argv.push_back(nullptr);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv.data());
        fprintf(stderr, "sockhold: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// One message each way over the held connection.
static bool exchange(int client, int server)
{
    const char ping[] = "ping", pong[] = "pong";
    char buffer[8] {};
    if (write(client, ping, 4) != 4 || read(server, buffer, sizeof(buffer)) != 4 || memcmp(buffer, ping, 4) != 0)
        return false;
    if (write(server, pong, 4) != 4 || read(client, buffer, sizeof(buffer)) != 4 || memcmp(buffer, pong, 4) != 0)
        return false;
    return true;
}

int main(int argc, char** argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sockhold PATH [COMMAND ARGS... [; COMMAND ARGS...]...]\n");
        return 2;
    }
    const char* path = argv[1];
    socklen_t length;
    sockaddr_un address = address_of(path, &length);

    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0
        || listen(listener, 1) != 0) {
        fprintf(stderr, "sockhold: cannot listen on %s: %s\n", path, strerror(errno));
        return 1;
    }
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    if (client < 0 || connect(client, reinterpret_cast<sockaddr*>(&address), length) != 0) {
        fprintf(stderr, "sockhold: cannot connect to %s: %s\n", path, strerror(errno));
        return 1;
    }
    int server = accept(listener, nullptr, nullptr);
    if (server < 0) {
        fprintf(stderr, "sockhold: accept: %s\n", strerror(errno));
        return 1;
    }
    printf("sockhold: listening on %s with one established connection\n", path);

    if (argc == 2) {
        printf("sockhold: press Enter to test the connection\n");
        fflush(stdout);
        char line[64];
        if (!fgets(line, sizeof(line), stdin))
            clearerr(stdin);
    }
    std::vector<char*> command;
    for (int i = 2; i <= argc; ++i) {
        if (i == argc || strcmp(argv[i], ";") == 0) {
            if (!command.empty()) {
                std::string shown;
                for (char* word : command)
                    shown += std::string(shown.empty() ? "" : " ") + word;
                int status = run(command);
                printf("sockhold: `%s` exited with status %d\n", shown.c_str(), status);
                command.clear();
            }
            continue;
        }
        command.push_back(argv[i]);
    }

    struct stat info;
    if (lstat(path, &info) == 0)
        printf("sockhold: %s still exists (%s)\n", path, S_ISSOCK(info.st_mode) ? "a socket" : "not a socket");
    else
        printf("sockhold: %s is gone (%s)\n", path, strerror(errno));
    int late = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(late, reinterpret_cast<sockaddr*>(&address), length) == 0)
        printf("sockhold: a new connect to %s succeeds\n", path);
    else
        printf("sockhold: a new connect to %s fails: %s\n", path, strerror(errno));
    close(late);

    bool works = exchange(client, server);
    printf("sockhold: the established connection %s\n", works ? "still carries data both ways" : "is broken");
    close(client);
    close(server);
    close(listener);
    return works ? 0 : 1;
}

#include <Bootargs.h>
#include <drivers/Console.h>
#include <string.h>

namespace sk::bootargs {

static const char* s_init = "/sbin/init";
static const char* s_selftest;
static const char* s_init_arguments[max_init_arguments];
static size_t s_init_argument_count;

void parse(char* line)
{
    bool after_separator = false;
    char* cursor = line;
    while (*cursor) {
        while (*cursor == ' ')
            ++cursor;
        if (!*cursor)
            break;
        // A word ends at a space outside double quotes; the quotes are removed (as Linux's
        // command-line parser does), so init=/bin/sh -- -c "echo a b" passes one argument.
        char* word = cursor;
        char* out = cursor;
        bool quoted = false;
        while (*cursor && (quoted || *cursor != ' ')) {
            if (*cursor == '"')
                quoted = !quoted;
            else
                *out++ = *cursor;
            ++cursor;
        }
        bool at_end = !*cursor;
        *out = '\0';
        if (!at_end)
            ++cursor;
        if (after_separator) {
            if (s_init_argument_count < max_init_arguments)
                s_init_arguments[s_init_argument_count++] = word;
            else
                kprintf("sockeye: warning: too many init arguments, ignoring '%s'\n", word);
            continue;
        }
        if (strcmp(word, "--") == 0)
            after_separator = true;
        else if (strncmp(word, "init=", 5) == 0)
            s_init = word + 5;
        else if (strncmp(word, "selftest=", 9) == 0)
            s_selftest = word + 9;
        else if (strncmp(word, "console=", 8) == 0 || strcmp(word, "quiet") == 0)
            ; // accepted for compatibility with Linux command lines
        else
            kprintf("sockeye: warning: unknown boot argument '%s' ignored\n", word);
    }
}

const char* init_path() { return s_init; }
const char* selftest() { return s_selftest; }
const char* const* init_arguments(size_t* count)
{
    *count = s_init_argument_count;
    return s_init_arguments;
}

} // namespace sk::bootargs

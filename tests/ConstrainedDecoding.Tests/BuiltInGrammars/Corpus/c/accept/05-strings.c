#include <ctype.h>

// Reverse a string in place and return its length.
unsigned int reverse(char *s)
{
    unsigned int len = 0;
    while (s[len] != '\0')
        len++;
    for (unsigned int i = 0, j = len ? len - 1 : 0; i < j; i++, j--) {
        char tmp = s[i];
        s[i] = s[j];
        s[j] = tmp;
    }
    return len;
}

int is_palindrome(const char *s, int n)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        if (tolower((unsigned char)s[lo]) != tolower((unsigned char)s[hi])) return 0;
        ++lo; --hi;
    }
    return 1;
}

const char *greeting = "Hello, \"world\"\n" "second part\t\\";
char newline = '\n', quote = '\'';

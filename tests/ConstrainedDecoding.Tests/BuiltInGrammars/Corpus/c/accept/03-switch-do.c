#define MAX_TOKENS 64
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

enum token_kind { TOK_NUM, TOK_PLUS, TOK_MINUS = 5, TOK_END, };

int count_kinds(const char *s, int counts[])
{
    int i = 0;
    char c;
    do {
        c = s[i++];
        switch (c) {
        case '+':
            counts[TOK_PLUS]++;
            break;
        case '-':
            counts[TOK_MINUS]++;
            break;
        case '\0':
            counts[TOK_END]++;
            break;
        default:
            if (IS_DIGIT(c))
                counts[TOK_NUM] += 1;
            else
                continue;
        }
    } while (c != '\0' && i < MAX_TOKENS);
    return i;
}

#include <stdlib.h>
#include <string.h>

typedef struct node {
    int value;
    struct node *next;
} node_t;

node_t *list_push(node_t *head, int value)
{
    node_t *n = (node_t *)malloc(sizeof(node_t));
    if (n == NULL)
        return head;
    n->value = value;
    n->next = head;
    return n;
}

node_t *list_reverse(node_t *head)
{
    node_t *prev = NULL, *cur = head;
    while (cur != NULL) {
        node_t *next = cur->next;
        cur->next = prev;
        prev = cur;
        cur = next;
    }
    return prev;
}

size_t list_length(const node_t *head)
{
    size_t count = 0;
    for (; head; head = head->next) count++;
    return count;
}

void list_free(node_t *head)
{
    while (head) {
        node_t *next = head->next;
        free(head);
        head = next;
    }
}

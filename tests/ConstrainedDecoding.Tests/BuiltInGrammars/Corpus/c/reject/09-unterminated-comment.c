/* never closed
int x;

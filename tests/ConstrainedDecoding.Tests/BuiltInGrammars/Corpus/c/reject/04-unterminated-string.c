const char *s = "hello;

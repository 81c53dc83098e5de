intmain(void) { return 0; }

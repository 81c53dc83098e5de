void f(int a) { if a > 0 { a--; } }

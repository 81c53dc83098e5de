void f(int a) { else { a = 1; } }

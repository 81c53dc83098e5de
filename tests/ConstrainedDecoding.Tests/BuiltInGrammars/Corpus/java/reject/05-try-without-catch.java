class A { void f() { try { g(); } } }

class A { void f() { try { g(); } catch (Exception e) h(); } }

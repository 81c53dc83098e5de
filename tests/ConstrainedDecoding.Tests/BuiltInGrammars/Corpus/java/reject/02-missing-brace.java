class A {
    void f() {
        if (true) {
            System.out.println("x");
        }
    

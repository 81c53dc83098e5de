class A { System.out.println("x"); }

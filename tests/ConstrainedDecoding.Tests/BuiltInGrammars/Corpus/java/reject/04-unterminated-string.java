class A { String s = "oops; }

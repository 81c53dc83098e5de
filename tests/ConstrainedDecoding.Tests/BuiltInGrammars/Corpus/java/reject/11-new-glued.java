class A { Object o = newObject(; }

class A { List<String xs; }

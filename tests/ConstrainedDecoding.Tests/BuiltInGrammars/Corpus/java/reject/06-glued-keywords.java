publicclass A { }

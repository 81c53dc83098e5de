structpoint { int x; };

SELECT a FROM t WHERE name = 'unterminated;

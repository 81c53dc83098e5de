SELECT a.x, b.y FROM alpha a, beta b, gamma WHERE a.id = b.alpha_id AND gamma.z <= .5e2 AND NOT (a.flag = 0);

Select e.first_name || ' ' || e.last_name AS full_name, d.name
From employees e Right Join departments d On e.dept_id = d.id
Where e.manager_id Is Null Or (e.salary * 1.1 > 50000 And e.hired < 2010);

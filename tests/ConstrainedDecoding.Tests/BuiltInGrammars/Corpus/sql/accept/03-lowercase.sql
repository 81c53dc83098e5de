select distinct p.category, avg(p.price) as avg_price
from products as p
where p.name like '%phone%' and not p.discontinued = 1 and p.description is not null
group by p.category
order by avg_price desc

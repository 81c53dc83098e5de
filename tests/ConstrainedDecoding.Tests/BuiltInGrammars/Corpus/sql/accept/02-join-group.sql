SELECT c.name, COUNT(o.id) AS order_count, SUM(o.total) total_spent
FROM customers c
INNER JOIN orders o ON o.customer_id = c.id
LEFT OUTER JOIN refunds r ON r.order_id = o.id AND r.status <> 'void'
WHERE c.country IN ('DE', 'FR', 'IT') AND o.created_at BETWEEN '2023-01-01' AND '2023-12-31'
GROUP BY c.name
HAVING COUNT(o.id) > 5 OR SUM(o.total) >= 1000.50
ORDER BY total_spent DESC, c.name ASC
LIMIT 20 OFFSET 40;

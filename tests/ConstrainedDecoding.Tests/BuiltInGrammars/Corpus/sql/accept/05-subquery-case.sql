-- customers with large orders
SELECT id,
       CASE WHEN score >= 90 THEN 'A' WHEN score >= 80 THEN 'B' ELSE 'C' END AS grade,
       COUNT(DISTINCT email) AS emails
FROM (SELECT * FROM students WHERE year = 2024) s
WHERE id NOT IN (SELECT student_id FROM expelled) /* skip expelled */
GROUP BY id, grade;

SELECT "Order Id", `weird``name`, t.* FROM "My Table" t WHERE t."Order Id" != -1 AND note = 'it''s fine' LIMIT 5, 10

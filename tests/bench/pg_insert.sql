-- pgbench script: one single-row INSERT per transaction (synchronous
-- commit), the reference the stock commit is compared with.
INSERT INTO bench.single_row (v) VALUES (random());

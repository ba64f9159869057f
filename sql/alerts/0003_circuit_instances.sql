-- A supplier's API circuit per tm-supplier instance: each instance has its
-- own breaker (supplier.api_circuit names it), and the supplier's API is
-- down while any of them is open or on trial (half open), so one instance
-- closing its breaker does not clear what another still sees.
ALTER TABLE alerts.supplier_circuits ADD COLUMN instance text NOT NULL DEFAULT ''
    CHECK (length(instance) <= 64);
ALTER TABLE alerts.supplier_circuits DROP CONSTRAINT supplier_circuits_pkey;
ALTER TABLE alerts.supplier_circuits ADD PRIMARY KEY (supplier_id, instance);

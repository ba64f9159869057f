-- Every run of tm-@schema@'s scheduled jobs (common/jobs): who ran it, when,
-- how it ended, how many rows it touched.
CREATE TABLE @schema@.job_runs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job         text NOT NULL,
    instance    text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    outcome     text NOT NULL DEFAULT 'running'
                CHECK (outcome IN ('running', 'ok', 'failed', 'skipped')),
    rows        bigint NOT NULL DEFAULT 0,
    error       text NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job_idx ON @schema@.job_runs (job, id DESC);

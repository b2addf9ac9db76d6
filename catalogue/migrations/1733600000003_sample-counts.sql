-- Regulator samples without reading every recording of the period. A sample needs each stratum's size in
-- the period and then the recordings at seeded random positions of each stratum (catalogue/sample.ts).
-- Sizes: this table counts recordings per UTC day and (channel, verdict, product type), kept by triggers in
-- the same transaction as every change to inspections, so one snapshot reads counts and rows that agree.
-- Positions: a stratum's recordings in a fixed order, recorded time then recording id (bytewise); a position
-- is found from the days' counts and then one day's rows, through inspections_recorded_id.

-- Up Migration

CREATE TABLE sample_strata_days (
  day           date NOT NULL,
  -- '(none)' where the inspection has none, as stratumOf spells it
  channel       text NOT NULL,
  verdict       text NOT NULL,
  product_type  text NOT NULL,
  n             integer NOT NULL,
  PRIMARY KEY (day, channel, verdict, product_type)
);

CREATE FUNCTION sample_strata_days_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Rows in key order, so concurrent writers lock counters in one order (no deadlock).
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sample_strata_days AS s (day, channel, verdict, product_type, n)
      SELECT (recorded_at AT TIME ZONE 'UTC')::date, coalesce(channel, '(none)'), verdict, coalesce(product_type, '(none)'), count(*)
        FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
      ON CONFLICT (day, channel, verdict, product_type) DO UPDATE SET n = s.n + excluded.n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO sample_strata_days AS s (day, channel, verdict, product_type, n)
      SELECT day, channel, verdict, product_type, sum(d) FROM (
          SELECT (recorded_at AT TIME ZONE 'UTC')::date AS day, coalesce(channel, '(none)') AS channel, verdict, coalesce(product_type, '(none)') AS product_type, -1 AS d FROM old_rows
          UNION ALL
          SELECT (recorded_at AT TIME ZONE 'UTC')::date, coalesce(channel, '(none)'), verdict, coalesce(product_type, '(none)'), 1 FROM new_rows) changes
       GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4
      ON CONFLICT (day, channel, verdict, product_type) DO UPDATE SET n = s.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO sample_strata_days AS s (day, channel, verdict, product_type, n)
      SELECT (recorded_at AT TIME ZONE 'UTC')::date, coalesce(channel, '(none)'), verdict, coalesce(product_type, '(none)'), -count(*)
        FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
      ON CONFLICT (day, channel, verdict, product_type) DO UPDATE SET n = s.n + excluded.n;
  ELSE
    DELETE FROM sample_strata_days;
  END IF;
  RETURN NULL;
END $$;

-- Transition tables allow one event per trigger.
CREATE TRIGGER inspections_count_insert AFTER INSERT ON inspections REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sample_strata_days_count();
CREATE TRIGGER inspections_count_update AFTER UPDATE ON inspections REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sample_strata_days_count();
CREATE TRIGGER inspections_count_delete AFTER DELETE ON inspections REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sample_strata_days_count();
CREATE TRIGGER inspections_count_truncate AFTER TRUNCATE ON inspections FOR EACH STATEMENT EXECUTE FUNCTION sample_strata_days_count();

INSERT INTO sample_strata_days (day, channel, verdict, product_type, n)
  SELECT (recorded_at AT TIME ZONE 'UTC')::date, coalesce(channel, '(none)'), verdict, coalesce(product_type, '(none)'), count(*)
    FROM inspections GROUP BY 1, 2, 3, 4;

-- A stratum's recordings of one day in the sample's order, without touching the heap.
CREATE INDEX inspections_recorded_id ON inspections (recorded_at, recording_id COLLATE "C") INCLUDE (channel, verdict, product_type);
-- The older period index is covered by this one.
DROP INDEX inspections_sample;

-- Down Migration

CREATE INDEX inspections_sample ON inspections (recorded_at) INCLUDE (recording_id, channel, verdict, product_type);
DROP INDEX inspections_recorded_id;
DROP TRIGGER inspections_count_truncate ON inspections;
DROP TRIGGER inspections_count_delete ON inspections;
DROP TRIGGER inspections_count_update ON inspections;
DROP TRIGGER inspections_count_insert ON inspections;
DROP FUNCTION sample_strata_days_count();
DROP TABLE sample_strata_days;

-- The QA dashboard reads weekly rollups, not a million rows: materialized views refreshed after each sync
-- (REFRESH ... CONCURRENTLY, so readers are never blocked; the unique indexes make that possible).
-- Verdicts are the current ones (after review); rule outcomes are the machine's (revision 1).

-- Up Migration

-- One row per week, dimension (channel, product, branch), value, current and machine verdict: small
-- enough that a year of any dimension is read in milliseconds (grouping sets, not their cross product).
CREATE MATERIALIZED VIEW weekly_verdicts AS
  SELECT date_trunc('week', recorded_at) AS week,
         CASE WHEN GROUPING(channel) = 0 THEN 'channel' WHEN GROUPING(product_type) = 0 THEN 'product' ELSE 'branch' END AS dimension,
         coalesce(CASE WHEN GROUPING(channel) = 0 THEN channel WHEN GROUPING(product_type) = 0 THEN product_type ELSE branch END, '') AS value,
         verdict, first_verdict, count(*)::integer AS n
    FROM inspections
   GROUP BY GROUPING SETS (
     (date_trunc('week', recorded_at), channel, verdict, first_verdict),
     (date_trunc('week', recorded_at), product_type, verdict, first_verdict),
     (date_trunc('week', recorded_at), branch, verdict, first_verdict));
CREATE UNIQUE INDEX weekly_verdicts_key ON weekly_verdicts (dimension, week, value, verdict, first_verdict);

CREATE MATERIALIZED VIEW weekly_rule_outcomes AS
  SELECT date_trunc('week', i.recorded_at) AS week, coalesce(i.channel, '') AS channel, r.rule_id,
         count(*) FILTER (WHERE r.verdict = 'FAIL')::integer AS fails,
         count(*) FILTER (WHERE r.verdict = 'CANNOT_JUDGE')::integer AS cannot_judge,
         count(*)::integer AS n
    FROM rule_outcomes r JOIN inspections i USING (recording_id)
   WHERE r.revision = 1 AND r.applies
   GROUP BY 1, 2, 3;
CREATE UNIQUE INDEX weekly_rule_outcomes_key ON weekly_rule_outcomes (week, channel, rule_id);

-- Samples: a period's strata without touching the heap (index-only scans).
CREATE INDEX inspections_sample ON inspections (recorded_at) INCLUDE (recording_id, channel, verdict, product_type);

-- Down Migration

DROP INDEX inspections_sample;
DROP MATERIALIZED VIEW weekly_rule_outcomes;
DROP MATERIALIZED VIEW weekly_verdicts;

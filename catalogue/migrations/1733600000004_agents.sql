-- The agent dimension of the QA dashboard: per agent (the keyed hash of the licence number, never the
-- number) and month, how many recordings and how many FAILed or could not be judged, as a whole (step_id
-- '') and per step. Verdicts are the current ones: the steps of each recording's newest revision, so a FAIL
-- overturned and approved no longer counts against the agent, and one pending approval still does.
-- Months, not weeks: an agent makes a handful of recordings a week, too few for a rate.

-- Up Migration

CREATE MATERIALIZED VIEW monthly_agent_steps AS
  SELECT date_trunc('month', i.recorded_at) AS month, i.agent_key, s.step_id,
         count(*)::integer AS n,
         count(*) FILTER (WHERE s.verdict = 'FAIL')::integer AS fails,
         count(*) FILTER (WHERE s.verdict = 'CANNOT_JUDGE')::integer AS cannot_judge
    FROM inspections i JOIN step_outcomes s ON s.recording_id = i.recording_id AND s.revision = i.latest_revision
   WHERE i.agent_key IS NOT NULL
   GROUP BY 1, 2, 3
  UNION ALL
  SELECT date_trunc('month', recorded_at), agent_key, '',
         count(*)::integer, count(*) FILTER (WHERE verdict = 'FAIL')::integer, count(*) FILTER (WHERE verdict = 'CANNOT_JUDGE')::integer
    FROM inspections
   WHERE agent_key IS NOT NULL
   GROUP BY 1, 2;
CREATE UNIQUE INDEX monthly_agent_steps_key ON monthly_agent_steps (month, agent_key, step_id);
-- The dashboard ranks agents on their whole-recording rows of the period, then reads the steps of the few shown.
CREATE INDEX monthly_agent_steps_recordings ON monthly_agent_steps (step_id, month) INCLUDE (agent_key, n, fails, cannot_judge);
CREATE INDEX monthly_agent_steps_agent ON monthly_agent_steps (agent_key, month);

-- Down Migration

DROP MATERIALIZED VIEW monthly_agent_steps;

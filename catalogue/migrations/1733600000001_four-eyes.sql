-- Four eyes: a decision overturning a FAIL into a PASS is recorded pending until a lead approves it in a
-- later revision. Both come from the reports bucket (review and approval sections), so both are part of
-- the rebuildable projection.

-- Up Migration

ALTER TABLE decisions ADD COLUMN pending_approval boolean NOT NULL DEFAULT false;

CREATE TABLE approvals (
  approval_id   text PRIMARY KEY,
  decision_id   text NOT NULL,
  recording_id  text NOT NULL REFERENCES inspections ON DELETE CASCADE,
  -- the revision the approval wrote
  revision      integer NOT NULL,
  lead          text NOT NULL,
  comment       text NOT NULL,
  approved_at   timestamptz NOT NULL
);
CREATE INDEX approvals_decision ON approvals (decision_id);
CREATE INDEX approvals_recording ON approvals (recording_id);

-- Down Migration

DROP TABLE approvals;
ALTER TABLE decisions DROP COLUMN pending_approval;

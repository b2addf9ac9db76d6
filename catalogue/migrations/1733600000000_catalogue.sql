-- The catalogue: a projection of the reports bucket (inspections, revisions with their step and rule
-- outcomes, decisions), rebuilt from S3 by `dualqa catalogue rebuild`; and what is the database's own
-- (reviewers, sessions, refused sign-ins, the audit trail), which a rebuild leaves alone.

-- Up Migration

CREATE TABLE inspections (
  recording_id     text PRIMARY KEY,
  bucket           text NOT NULL,
  object_key       text NOT NULL,
  version_id       text,
  etag             text NOT NULL,
  sha256           text NOT NULL,
  size_bytes       bigint NOT NULL,
  verdict          text NOT NULL CHECK (verdict IN ('PASS', 'FAIL', 'CANNOT_JUDGE')),
  first_verdict    text NOT NULL CHECK (first_verdict IN ('PASS', 'FAIL', 'CANNOT_JUDGE')),
  channel          text,
  product_type     text,
  branch           text,
  -- keyed hash of the agent's licence number (DUALQA_HASH_KEY); never the number
  agent_key        text,
  recorded_at      timestamptz NOT NULL,
  inspected_at     timestamptz NOT NULL,
  latest_revision  integer NOT NULL,
  rulebook         text NOT NULL,
  -- a revision whose report.sig.json does not verify: shown to reviewers, listed by rebuild
  signature_problem boolean NOT NULL DEFAULT false
);
-- The review queue: needs review, by channel, newest recorded first.
CREATE INDEX inspections_queue ON inspections (channel, recorded_at DESC, recording_id) WHERE verdict IN ('FAIL', 'CANNOT_JUDGE');
CREATE INDEX inspections_queue_all ON inspections (recorded_at DESC, recording_id) WHERE verdict IN ('FAIL', 'CANNOT_JUDGE');
-- Samples and the dashboard: a period of recorded time.
CREATE INDEX inspections_recorded ON inspections (recorded_at);

CREATE TABLE revisions (
  recording_id   text NOT NULL REFERENCES inspections ON DELETE CASCADE,
  revision       integer NOT NULL,
  report_key     text NOT NULL,
  report_sha256  text NOT NULL,
  verdict        text NOT NULL CHECK (verdict IN ('PASS', 'FAIL', 'CANNOT_JUDGE')),
  created_at     timestamptz NOT NULL,
  source         text NOT NULL CHECK (source IN ('inspection', 'review', 'rejudge', 'approval')),
  -- verified | unsigned | invalid | unchecked (no trusted key configured)
  signature      text NOT NULL DEFAULT 'unchecked',
  PRIMARY KEY (recording_id, revision)
);
CREATE UNIQUE INDEX revisions_report_key ON revisions (report_key);

CREATE TABLE step_outcomes (
  recording_id  text NOT NULL,
  revision      integer NOT NULL,
  step_id       text NOT NULL,
  verdict       text NOT NULL,
  PRIMARY KEY (recording_id, revision, step_id),
  FOREIGN KEY (recording_id, revision) REFERENCES revisions ON DELETE CASCADE
);

CREATE TABLE rule_outcomes (
  recording_id  text NOT NULL,
  revision      integer NOT NULL,
  step_id       text NOT NULL,
  rule_id       text NOT NULL,
  verdict       text NOT NULL,
  applies       boolean NOT NULL DEFAULT true,
  PRIMARY KEY (recording_id, revision, step_id, rule_id),
  FOREIGN KEY (recording_id, revision) REFERENCES revisions ON DELETE CASCADE
);
-- Dashboard: most-failing rules of the machine revisions.
CREATE INDEX rule_outcomes_rule ON rule_outcomes (rule_id, verdict) WHERE revision = 1;

CREATE TABLE decisions (
  decision_id     text PRIMARY KEY,
  recording_id    text NOT NULL REFERENCES inspections ON DELETE CASCADE,
  revision        integer NOT NULL,
  reviewer        text NOT NULL,
  step_id         text NOT NULL,
  before_verdict  text NOT NULL,
  after_verdict   text NOT NULL,
  comment         text NOT NULL,
  decided_at      timestamptz NOT NULL
);
CREATE INDEX decisions_recording ON decisions (recording_id, decided_at);
CREATE INDEX decisions_reviewer ON decisions (reviewer, recording_id);

-- The database's own: never rebuilt from S3.

CREATE TABLE audit (
  id            bigserial PRIMARY KEY,
  at            timestamptz NOT NULL DEFAULT now(),
  actor         text NOT NULL,
  action        text NOT NULL,
  recording_id  text,
  detail        text NOT NULL DEFAULT ''
);
CREATE INDEX audit_recording ON audit (recording_id, id DESC);

CREATE TABLE reviewers (
  id            text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  name          text NOT NULL,
  token_sha256  text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  role          text NOT NULL DEFAULT 'reviewer' CHECK (role IN ('reviewer', 'lead', 'auditor', 'regulator-export')),
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  -- sha256 of the cookie value: a copy of this table signs nobody in
  id_sha256    text PRIMARY KEY,
  reviewer_id  text NOT NULL REFERENCES reviewers ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- One audit line per session and recording for media (a player makes many range requests).
CREATE TABLE session_media (
  session_id_sha256  text NOT NULL REFERENCES sessions ON DELETE CASCADE,
  recording_id       text NOT NULL,
  PRIMARY KEY (session_id_sha256, recording_id)
);

CREATE TABLE refused_sign_ins (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  account  text,
  address  text NOT NULL
);
CREATE INDEX refused_sign_ins_account ON refused_sign_ins (account, at);
CREATE INDEX refused_sign_ins_address ON refused_sign_ins (address, at);

-- Down Migration

DROP TABLE refused_sign_ins;
DROP TABLE session_media;
DROP TABLE sessions;
DROP TABLE reviewers;
DROP TABLE audit;
DROP TABLE decisions;
DROP TABLE rule_outcomes;
DROP TABLE step_outcomes;
DROP TABLE revisions;
DROP TABLE inspections;

-- pmkit schema. A contract: reports, notebooks and outside checks query these tables.
-- Every table carries `root` (the corpus folder given to ingest, absolute) and `path` (the file
-- relative to it): a row belongs to the file (root, path). Two roots may hold the same path.
-- Timestamps are UTC; missing values are NULL, never a guess.

CREATE TABLE IF NOT EXISTS documents (
    root                  VARCHAR NOT NULL DEFAULT '',
    path                  VARCHAR NOT NULL,
    sha256                VARCHAR NOT NULL,
    size_bytes            BIGINT NOT NULL,
    mtime_ns              BIGINT,
    ingested_at           TIMESTAMP NOT NULL,
    template              VARCHAR NOT NULL,
    is_unfilled_template  BOOLEAN NOT NULL,
    is_process_doc        BOOLEAN NOT NULL DEFAULT FALSE,
    raw_text              VARCHAR
);

CREATE TABLE IF NOT EXISTS incidents (
    root              VARCHAR NOT NULL DEFAULT '',
    path              VARCHAR NOT NULL,
    incident_id       VARCHAR NOT NULL,
    title             VARCHAR,
    severity_label    VARCHAR,
    severity_scheme   VARCHAR,
    severity_level    INTEGER,
    status            VARCHAR,
    owner             VARCHAR,
    team              VARCHAR,
    incident_date     DATE,
    started_at        TIMESTAMP,
    detected_at       TIMESTAMP,
    acknowledged_at   TIMESTAMP,
    mitigated_at      TIMESTAMP,
    resolved_at       TIMESTAMP,
    started_source      VARCHAR,  -- field | timeline | prose | NULL: where the milestone was read
    detected_source     VARCHAR,
    acknowledged_source VARCHAR,
    mitigated_source    VARCHAR,
    resolved_source     VARCHAR,
    duration_minutes  DOUBLE,
    duration_source VARCHAR,  -- field | timeline | prose (of resolved - started)
    drafted_at        TIMESTAMP,
    drafted_source    VARCHAR,
    reviewed_at       TIMESTAMP,
    reviewed_source   VARCHAR,
    services          VARCHAR[],
    responders        VARCHAR[],
    customer_impact   VARCHAR,
    executive_summary VARCHAR,
    root_cause        VARCHAR,
    "trigger"         VARCHAR,
    trigger_category  VARCHAR,
    lessons           VARCHAR,
    line              INTEGER
);

CREATE TABLE IF NOT EXISTS timeline_events (
    root         VARCHAR NOT NULL DEFAULT '',
    path         VARCHAR NOT NULL,
    incident_id  VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,
    occurred_at  TIMESTAMP,  -- UTC, when the time of day was read
    occurred_on  DATE,       -- the day: occurred_at's date, or the date of a date-only row
    time_text    VARCHAR,
    event        VARCHAR,
    actor        VARCHAR,
    line         INTEGER
);

CREATE TABLE IF NOT EXISTS action_items (
    root         VARCHAR NOT NULL DEFAULT '',
    path          VARCHAR NOT NULL,
    incident_id   VARCHAR NOT NULL,
    action_id     VARCHAR,
    text          VARCHAR,
    owner         VARCHAR,
    due_date      DATE,
    status        VARCHAR NOT NULL,
    status_text   VARCHAR,
    priority      VARCHAR,
    kind          VARCHAR NOT NULL,
    tracking_ref  VARCHAR,
    section       VARCHAR,
    line          INTEGER
);

CREATE TABLE IF NOT EXISTS contributing_factors (
    root         VARCHAR NOT NULL DEFAULT '',
    path         VARCHAR NOT NULL,
    incident_id  VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,
    text         VARCHAR,
    category     VARCHAR,
    line         INTEGER
);

CREATE TABLE IF NOT EXISTS parse_issues (
    root         VARCHAR NOT NULL DEFAULT '',
    path         VARCHAR NOT NULL,
    incident_id  VARCHAR,
    field        VARCHAR NOT NULL,
    level        VARCHAR NOT NULL,
    message      VARCHAR NOT NULL,
    line         INTEGER
);

-- Every taxonomy category a factor matched (issue 4): one factor text can match several.
-- contributing_factors.category keeps the first match (taxonomy order) or 'unclassified'.
-- Rewritten by pmkit.factors.reclassify (ingest, `pmkit classify`) without re-parsing.
CREATE TABLE IF NOT EXISTS factor_categories (
    root         VARCHAR NOT NULL DEFAULT '',
    path         VARCHAR NOT NULL,
    incident_id  VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,
    category     VARCHAR NOT NULL
);

-- The incident register (issue 17): incidents as exported by a paging or incident tool
-- (`pmkit ingest --register FILE`, `[register]` in pmkit.toml), whether or not they have a
-- postmortem. `source` is the export file (absolute path), `line` the incident's CSV line or
-- JSON item. `flags` and `customer_impact` are NULL when the export has no place for them.
-- Written by pmkit.register.store; problems reading an export go to parse_issues
-- (path = source, field = 'register').
CREATE TABLE IF NOT EXISTS register_incidents (
    source            VARCHAR NOT NULL,
    line              INTEGER,
    format            VARCHAR NOT NULL,
    "key"             VARCHAR NOT NULL,
    title             VARCHAR,
    url               VARCHAR,
    other_ids         VARCHAR[],
    severity_label    VARCHAR,
    severity_scheme   VARCHAR,
    severity_level    INTEGER,
    status            VARCHAR,
    started_at        TIMESTAMP,
    resolved_at       TIMESTAMP,
    duration_minutes  DOUBLE,
    services          VARCHAR[],
    team              VARCHAR,
    owner             VARCHAR,
    customer_impact   BOOLEAN,
    flags             VARCHAR[]
);

-- Each register incident against the postmortems, recomputed by every ingest: status
-- 'matched' (one postmortem), 'ambiguous' (one row per candidate, none chosen) or 'none'
-- (path NULL); method 'id' or 'overlap'; reason in words.
CREATE TABLE IF NOT EXISTS register_matches (
    source       VARCHAR NOT NULL,
    "key"        VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,
    method       VARCHAR,
    reason       VARCHAR NOT NULL,
    root         VARCHAR,
    path         VARCHAR,
    incident_id  VARCHAR
);

-- Similar earlier incidents (issue 18), written by pmkit.similar.cache.refresh (ingest).
-- For each dated incident of a real postmortem: its k most similar earlier incidents (rank 1..k)
-- and its most similar earlier incident within [recurrence] window_days (window_best; rank is
-- NULL when that one is not also in the top k), with the score and its reasons.
-- (root, path, incident_id) is the incident, (similar_root, similar_path, similar_incident_id)
-- the earlier one: two roots may hold the same path.
CREATE TABLE IF NOT EXISTS incident_similarity (
    root                      VARCHAR NOT NULL DEFAULT '',
    path                      VARCHAR NOT NULL,
    incident_id               VARCHAR NOT NULL,
    similar_root              VARCHAR NOT NULL DEFAULT '',
    similar_path              VARCHAR NOT NULL,
    similar_incident_id       VARCHAR NOT NULL,
    rank                      INTEGER,
    window_best               BOOLEAN NOT NULL,
    score                     DOUBLE NOT NULL,   -- 0..1, see pmkit/similar/scoring.py
    days_apart                DOUBLE NOT NULL,   -- this incident's start minus the earlier one's
    text_score                DOUBLE,            -- weighted TF-IDF cosine of the fields both wrote
    title_score               DOUBLE,            -- NULL when either lacks the field
    summary_score             DOUBLE,
    root_cause_score          DOUBLE,
    factors_score             DOUBLE,
    shared_services           VARCHAR[],
    same_trigger              VARCHAR,           -- the trigger category both have, else NULL
    shared_factor_categories  VARCHAR[]
);

-- Each compared incident's fingerprint (of every value its score depends on) and its TF-IDF
-- vectors (bytes), so that a refresh re-scores only what changed. The vectors are stored
-- uncompressed: DuckDB's compression gains little on them (a 10k database 91.8 -> 95.4 MB) and
-- trying cost 2.7 s of CPU in a 10k ingest's checkpoint, 80% of it.
CREATE TABLE IF NOT EXISTS similarity_vectors (
    root         VARCHAR NOT NULL DEFAULT '',
    path         VARCHAR NOT NULL,
    incident_id  VARCHAR NOT NULL,
    fingerprint  VARCHAR NOT NULL,
    vector       BLOB NOT NULL USING COMPRESSION uncompressed
);

-- One row: what the similarity tables were computed with (settings, the fitted idf) and when.
CREATE TABLE IF NOT EXISTS similarity_state (
    computed_at        TIMESTAMP NOT NULL,
    status             VARCHAR NOT NULL,   -- ok | skipped (message says why)
    message            VARCHAR,
    n_incidents        INTEGER,
    n_undated          INTEGER,            -- incidents left out: no date, so no "earlier"
    k                  INTEGER,
    window_days        INTEGER,
    model_version      VARCHAR,
    fitted_at          TIMESTAMP,
    n_fit              INTEGER,            -- incidents the idf was fitted on
    changed_since_fit  INTEGER,
    model              BLOB,               -- document frequencies (.npz, numbers only)
    last_mode          VARCHAR,            -- full | incremental | unchanged | skipped
    last_rescored      INTEGER
);

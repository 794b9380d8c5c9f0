-- pmkit analysis views: what the reports count, as SQL an analyst can query (README, "Analysis
-- views"). Created by every ingest in the database file, and by pmkit.connect() / the explorer
-- over the tables they see (the text runs in any catalog holding the tables of schema.sql).
-- The metrics read these same views, so a number found here is the number a report shows.
--
-- Only incidents of real postmortems are here: never an unfilled template, never the process
-- document. What depends on a day ("overdue", "drafted by then") is a table macro taking that
-- day, `as_of` (default: today): SELECT * FROM incident_facts(DATE '2026-10-01').

CREATE OR REPLACE MACRO pmkit_views_version() AS 1;

-- The less direct of two sources of a time (prose < timeline < git < field): a duration is
-- only as good as its weaker end. NULL when either end is missing.
CREATE OR REPLACE MACRO pmkit_less_direct(a, b) AS
    CASE WHEN 'prose' IN (a, b) THEN 'prose'
         WHEN 'timeline' IN (a, b) THEN 'timeline'
         WHEN 'git' IN (a, b) THEN 'git'
         WHEN a IS NOT NULL AND b IS NOT NULL THEN 'field' END;

-- Monday-Friday days in [a, b), as numpy.busday_count counts them (b before a: minus those in
-- (b, a]): x // 7 whole weeks of 5, then up to 5 of the days left, counted from a Monday.
CREATE OR REPLACE MACRO pmkit_weekdays(x) AS (x // 7) * 5 + least(x % 7, 5);
CREATE OR REPLACE MACRO pmkit_business_days(a, b) AS
    CASE WHEN a IS NULL OR b IS NULL THEN NULL
         WHEN CAST(b AS DATE) >= CAST(a AS DATE) THEN
             pmkit_weekdays(isodow(CAST(a AS DATE)) - 1
                            + date_diff('day', CAST(a AS DATE), CAST(b AS DATE)))
             - pmkit_weekdays(isodow(CAST(a AS DATE)) - 1)
         ELSE -(pmkit_weekdays(isodow(CAST(b AS DATE) + 1) - 1
                               + date_diff('day', CAST(b AS DATE), CAST(a AS DATE)))
                - pmkit_weekdays(isodow(CAST(b AS DATE) + 1) - 1)) END;

-- One row per incident of a real postmortem: what it is, its milestones (with where each was
-- read), the durations the reports show, its draft and review, and its actions at `as_of`.
CREATE OR REPLACE MACRO incident_facts(as_of := current_date) AS TABLE
WITH pm AS (
    SELECT i.*, d.template,
           COALESCE(CAST(i.started_at AS DATE), i.incident_date) AS day,
           CAST(as_of AS DATE) AS as_of_day,
           CAST(CAST(as_of AS DATE) + INTERVAL 1 DAY AS TIMESTAMP) AS as_of_end
    FROM incidents AS i
    JOIN documents AS d ON d.root = i.root AND d.path = i.path
    WHERE NOT d.is_unfilled_template AND NOT d.is_process_doc
), acts AS (
    SELECT a.root, a.path, a.incident_id,
           count(*) AS n_actions,
           count(*) FILTER (WHERE a.status = 'done') AS n_done,
           count(*) FILTER (WHERE a.status <> 'done') AS n_open,
           count(*) FILTER (WHERE a.status = 'unknown') AS n_open_unknown,
           count(*) FILTER (WHERE a.status <> 'done' AND a.due_date < CAST(as_of AS DATE))
               AS n_overdue,
           count(*) FILTER (WHERE a.status <> 'done'
                              AND (NULLIF(trim(a.owner), '') IS NULL OR a.due_date IS NULL
                                   OR NULLIF(trim(a.tracking_ref), '') IS NULL))
               AS n_untracked_open
    FROM action_items AS a
    GROUP BY a.root, a.path, a.incident_id
), factors AS (
    SELECT root, path, incident_id, count(*) AS n_factors
    FROM contributing_factors GROUP BY root, path, incident_id
), events AS (
    SELECT root, path, incident_id, count(*) AS n_timeline_events
    FROM timeline_events GROUP BY root, path, incident_id
), sourced AS (
    SELECT pm.*,
           CASE WHEN started_at IS NOT NULL THEN COALESCE(started_source, 'field') END AS s_src,
           CASE WHEN detected_at IS NOT NULL THEN COALESCE(detected_source, 'field') END AS d_src,
           CASE WHEN acknowledged_at IS NOT NULL THEN COALESCE(acknowledged_source, 'field') END
               AS a_src,
           CASE WHEN mitigated_at IS NOT NULL THEN COALESCE(mitigated_source, 'field') END
               AS m_src,
           CASE WHEN resolved_at IS NOT NULL THEN COALESCE(resolved_source, 'field') END AS r_src,
           date_diff('second', started_at, detected_at) / 60.0 AS detect_raw,
           date_diff('second', detected_at, acknowledged_at) / 60.0 AS acknowledge_raw,
           date_diff('second', started_at, mitigated_at) / 60.0 AS mitigate_raw,
           date_diff('second', started_at, resolved_at) / 60.0 AS resolve_raw,
           COALESCE(duration_minutes, date_diff('second', started_at, resolved_at) / 60.0)
               AS total_raw,
           drafted_at = date_trunc('day', drafted_at) AS drafted_date_only_raw
    FROM pm
)
SELECT
    s.root, s.path, s.incident_id, s.title, s.template,
    s.severity_label, s.severity_scheme, s.severity_level, s.status, s.owner, s.team, s.services,
    s.trigger_category, s.executive_summary, s.root_cause,
    s.incident_date, s.day,
    s.started_at, s.s_src AS started_source,
    s.detected_at, s.d_src AS detected_source,
    s.acknowledged_at, s.a_src AS acknowledged_source,
    s.mitigated_at, s.m_src AS mitigated_source,
    s.resolved_at, s.r_src AS resolved_source,
    s.duration_minutes, s.duration_source,
    CASE WHEN s.detect_raw >= 0 THEN s.detect_raw END AS detect_minutes,
    CASE WHEN s.detect_raw >= 0 THEN pmkit_less_direct(s.s_src, s.d_src) END AS detect_source,
    CASE WHEN s.acknowledge_raw >= 0 THEN s.acknowledge_raw END AS acknowledge_minutes,
    CASE WHEN s.acknowledge_raw >= 0 THEN pmkit_less_direct(s.d_src, s.a_src) END
        AS acknowledge_source,
    CASE WHEN s.mitigate_raw >= 0 THEN s.mitigate_raw END AS mitigate_minutes,
    CASE WHEN s.mitigate_raw >= 0 THEN pmkit_less_direct(s.s_src, s.m_src) END
        AS mitigate_source,
    CASE WHEN s.resolve_raw >= 0 THEN s.resolve_raw END AS resolve_minutes,
    CASE WHEN s.resolve_raw >= 0 THEN pmkit_less_direct(s.s_src, s.r_src) END AS resolve_source,
    CASE WHEN s.total_raw >= 0 THEN s.total_raw END AS incident_minutes,
    CASE WHEN s.total_raw >= 0 THEN
        CASE WHEN s.duration_minutes IS NOT NULL THEN COALESCE(s.duration_source, 'field')
             ELSE pmkit_less_direct(s.s_src, s.r_src) END END AS incident_minutes_source,
    s.drafted_at, s.drafted_source,
    s.drafted_date_only_raw AS drafted_date_only,
    CASE WHEN s.resolved_at IS NOT NULL AND s.drafted_at IS NOT NULL THEN
        CASE WHEN s.drafted_date_only_raw AND CAST(s.drafted_at AS DATE) = CAST(s.resolved_at AS DATE)
             THEN 0.0
             ELSE date_diff('second', s.resolved_at, s.drafted_at) / 3600.0 END END AS draft_hours,
    CASE WHEN s.drafted_at IS NOT NULL THEN
        pmkit_less_direct(s.r_src, COALESCE(s.drafted_source, 'field')) END AS draft_source,
    s.reviewed_at, s.reviewed_source,
    pmkit_business_days(s.drafted_at, s.reviewed_at) AS review_business_days,
    CASE WHEN s.drafted_at IS NOT NULL AND s.reviewed_at IS NOT NULL THEN
        pmkit_less_direct(COALESCE(s.drafted_source, 'field'), COALESCE(s.reviewed_source, 'field'))
        END AS review_source,
    s.as_of_day AS as_of,
    COALESCE(s.resolved_at < s.as_of_end, FALSE) AS resolved_by_as_of,
    COALESCE(s.drafted_at < s.as_of_end, FALSE) AS drafted_by_as_of,
    COALESCE(s.reviewed_at < s.as_of_end, FALSE) AS reviewed_by_as_of,
    CASE WHEN s.drafted_at < s.as_of_end
              AND (s.reviewed_at IS NULL OR s.reviewed_at >= s.as_of_end)
         THEN pmkit_business_days(s.drafted_at, s.as_of_day) END AS review_waiting_business_days,
    COALESCE(a.n_actions, 0) AS n_actions,
    COALESCE(a.n_done, 0) AS n_done,
    COALESCE(a.n_open, 0) AS n_open,
    COALESCE(a.n_open_unknown, 0) AS n_open_unknown,
    COALESCE(a.n_overdue, 0) AS n_overdue,
    COALESCE(a.n_untracked_open, 0) AS n_untracked_open,
    COALESCE(f.n_factors, 0) AS n_factors,
    COALESCE(e.n_timeline_events, 0) AS n_timeline_events
FROM sourced AS s
LEFT JOIN acts AS a ON a.root = s.root AND a.path = s.path AND a.incident_id = s.incident_id
LEFT JOIN factors AS f ON f.root = s.root AND f.path = s.path AND f.incident_id = s.incident_id
LEFT JOIN events AS e ON e.root = s.root AND e.path = s.path AND e.incident_id = s.incident_id;

-- One row per action item of an incident of a real postmortem up to `as_of` (the backlog: an
-- action does not stop being overdue because its incident is old), with its incident and its
-- state at `as_of`. Open = not done at ingest (no status written counts: nothing says done).
CREATE OR REPLACE MACRO action_backlog(as_of := current_date) AS TABLE
WITH pm AS (
    SELECT i.root, i.path, i.incident_id, i.title, i.team, i.services, i.severity_level,
           d.template, COALESCE(CAST(i.started_at AS DATE), i.incident_date) AS day
    FROM incidents AS i
    JOIN documents AS d ON d.root = i.root AND d.path = i.path
    WHERE NOT d.is_unfilled_template AND NOT d.is_process_doc
), flagged AS (
    SELECT a.*, pm.title, pm.team, pm.services, pm.severity_level, pm.template, pm.day,
           CAST(as_of AS DATE) AS as_of_day,
           a.status <> 'done' AS open_now,
           NULLIF(trim(a.owner), '') IS NULL AS no_owner,
           a.due_date IS NULL AS no_due,
           NULLIF(trim(a.tracking_ref), '') IS NULL AS no_ref
    FROM action_items AS a
    JOIN pm ON pm.root = a.root AND pm.path = a.path AND pm.incident_id = a.incident_id
    WHERE pm.day <= CAST(as_of AS DATE)
)
SELECT root, path, incident_id, action_id, text, owner, due_date, status, status_text, priority,
       kind, tracking_ref, section, line,
       title, team, services, severity_level, template, day,
       as_of_day AS as_of,
       open_now AS is_open,
       open_now AND due_date < as_of_day AS is_overdue,
       CASE WHEN open_now AND due_date < as_of_day THEN date_diff('day', due_date, as_of_day) END
           AS days_overdue,
       CASE WHEN NOT (open_now AND due_date < as_of_day) THEN NULL
            WHEN date_diff('day', due_date, as_of_day) <= 7 THEN '1-7'
            WHEN date_diff('day', due_date, as_of_day) <= 30 THEN '8-30'
            WHEN date_diff('day', due_date, as_of_day) <= 90 THEN '31-90'
            ELSE '>90' END AS overdue_bucket,
       no_owner AS missing_owner,
       no_due AS missing_due_date,
       no_ref AS missing_tracking_ref,
       open_now AND (no_owner OR no_due OR no_ref) AS is_untracked
FROM flagged;

-- One row per contributing factor of a real postmortem and category it matched: its primary
-- category (`is_primary`: the first taxonomy match, or 'unclassified'; what the reports count a
-- factor under) and every other category it also matched. `n_categories` counts the factor's
-- categories (unclassified left out). Not day-dependent: a plain view.
CREATE OR REPLACE VIEW factor_mentions AS
WITH pm AS (
    SELECT i.root, i.path, i.incident_id, i.title, i.severity_level,
           COALESCE(CAST(i.started_at AS DATE), i.incident_date) AS day
    FROM incidents AS i
    JOIN documents AS d ON d.root = i.root AND d.path = i.path
    WHERE NOT d.is_unfilled_template AND NOT d.is_process_doc
), cf AS (
    SELECT cf.root, cf.path, cf.incident_id, cf.seq, cf.text, cf.line,
           COALESCE(cf.category, 'unclassified') AS primary_category,
           pm.title, pm.severity_level, pm.day
    FROM contributing_factors AS cf
    JOIN pm ON pm.root = cf.root AND pm.path = cf.path AND pm.incident_id = cf.incident_id
), matched AS (
    SELECT root, path, incident_id, seq,
           count(DISTINCT category) FILTER (WHERE category <> 'unclassified') AS n_categories
    FROM factor_categories GROUP BY root, path, incident_id, seq
), mentions AS (
    SELECT root, path, incident_id, seq, primary_category AS category, TRUE AS is_primary FROM cf
    UNION
    SELECT fc.root, fc.path, fc.incident_id, fc.seq, fc.category, FALSE
    FROM factor_categories AS fc
    JOIN cf ON cf.root = fc.root AND cf.path = fc.path AND cf.incident_id = fc.incident_id
           AND cf.seq = fc.seq
    WHERE fc.category <> cf.primary_category
)
SELECT m.root, m.path, m.incident_id, m.seq, cf.text, cf.line, m.category, m.is_primary,
       COALESCE(n.n_categories, 0) AS n_categories, cf.title, cf.severity_level, cf.day
FROM mentions AS m
JOIN cf ON cf.root = m.root AND cf.path = m.path AND cf.incident_id = m.incident_id
       AND cf.seq = m.seq
LEFT JOIN matched AS n ON n.root = m.root AND n.path = m.path AND n.incident_id = m.incident_id
       AND n.seq = m.seq;

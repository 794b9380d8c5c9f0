"""Altair chart builders for the reports: one function per chart, each taking a metric DataFrame.

Charts are rendered to static inline SVG with vl-convert (:func:`figure`), never through a
renderer that loads Vega from a CDN, so a report opens with no network. Every chart has a title
and axis titles; :func:`figure` adds the one-line caption saying what to read from it. Text from
postmortems (service names, owners, categories) ends up as SVG text, which vl-convert escapes.

Importing this package does not import altair (~0.3 s) or vl-convert: each builder imports altair
when it runs. A report kernel that hands its charts to the report runner
(``pmkit.present.figures``) therefore never loads either; the runner builds and draws every chart
of a run in one process. Builders by topic: ``incidents`` (severity, durations, services, MTTx),
``drafting``, ``factors``, ``actions`` (and the repeat rate); shared pieces in ``common``.
"""

from pmkit.fastimport import skip_slow_optional_imports

skip_slow_optional_imports()  # before anything imports altair (and with it jsonschema)

# the builders register themselves in BUILDERS as their modules load
from pmkit.present.charts.actions import (  # noqa: E402
    BACKLOG_LINES,
    action_backlog,
    action_completion,
    overdue_by_group,
    repeat_rate_over_time,
)
from pmkit.present.charts.common import (  # noqa: E402
    BUCKET_ORDER,
    BUILDERS,
    HEIGHT,
    MAX_LINES,
    OUTLIER_MIN_N,
    SEVERITY_COLORS,
    TARGET_COLOR,
    WIDTH,
    builder,
)
from pmkit.present.charts.drafting import (  # noqa: E402
    draft_hours_by_period,
    draft_hours_histogram,
    review_days_histogram,
)
from pmkit.present.charts.factors import (  # noqa: E402
    factor_by_severity,
    factor_frequency,
    factor_trend,
    trigger_frequency,
)
from pmkit.present.charts.incidents import (  # noqa: E402
    duration_by_severity,
    mttx_over_time,
    severity_over_time,
    severity_share_over_time,
    top_services,
)
from pmkit.present.charts.render import figure, to_svg  # noqa: E402
from pmkit.present.format import level_label  # noqa: E402

__all__ = [
    "BACKLOG_LINES",
    "BUCKET_ORDER",
    "BUILDERS",
    "HEIGHT",
    "MAX_LINES",
    "OUTLIER_MIN_N",
    "SEVERITY_COLORS",
    "TARGET_COLOR",
    "WIDTH",
    "action_backlog",
    "action_completion",
    "builder",
    "draft_hours_by_period",
    "draft_hours_histogram",
    "duration_by_severity",
    "factor_by_severity",
    "factor_frequency",
    "factor_trend",
    "figure",
    "level_label",
    "mttx_over_time",
    "overdue_by_group",
    "repeat_rate_over_time",
    "review_days_histogram",
    "severity_over_time",
    "severity_share_over_time",
    "to_svg",
    "top_services",
    "trigger_frequency",
]

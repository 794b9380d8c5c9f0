"""Fixed word lists for the synthetic corpus: services, teams, people, and phrase templates.

Everything here is a tuple, so iteration order is fixed and a seed always picks the same words.
Factor and trigger phrasings are grouped by a hidden category with a realistic weight: config
changes and deploys dominate, the rest form a long tail, and each category has several wordings
so that classifying them is a real task.
"""

from __future__ import annotations

TEAMS: tuple[str, ...] = ("Payments", "Platform", "Data", "Identity", "Edge")

SERVICES: tuple[tuple[str, str], ...] = (
    ("checkout-api", "Payments"),
    ("payments-gateway", "Payments"),
    ("billing-worker", "Payments"),
    ("k8s-cluster", "Platform"),
    ("ci-runners", "Platform"),
    ("service-mesh", "Platform"),
    ("events-pipeline", "Data"),
    ("search-indexer", "Data"),
    ("reporting-db", "Data"),
    ("auth-service", "Identity"),
    ("user-profile", "Identity"),
    ("cdn-edge", "Edge"),
)

DEPENDENCIES: tuple[str, ...] = (
    "the Redis cache",
    "the primary Postgres cluster",
    "the upstream payment processor",
    "the S3-compatible object store",
    "the DNS provider",
    "the Kafka brokers",
    "the identity provider (OIDC)",
    "the third-party email API",
)

PEOPLE: tuple[tuple[str, str], ...] = (
    ("Alice Chen", "achen"),
    ("Bruno Alves", "balves"),
    ("Chidi Okafor", "cokafor"),
    ("Dana Whitfield", "dwhitfield"),
    ("Emre Yilmaz", "eyilmaz"),
    ("Fatima Zahra", "fzahra"),
    ("Grace Liu", "gliu"),
    ("Hiro Tanaka", "htanaka"),
    ("Ines Moreau", "imoreau"),
    ("Jonas Berg", "jberg"),
    ("Kavya Rao", "krao"),
    ("Liam O'Brien", "lobrien"),
    ("Mei Ling", "mling"),
    ("Nadia Petrova", "npetrova"),
    ("Omar Haddad", "ohaddad"),
    ("Priya Nair", "pnair"),
    ("Quentin Roux", "qroux"),
    ("Rosa Delgado", "rdelgado"),
    ("Sam Park", "spark"),
    ("Tomasz Nowak", "tnowak"),
    ("Uma Shankar", "ushankar"),
    ("Victor Hugo Silva", "vsilva"),
    ("Wen Zhao", "wzhao"),
    ("Yara Haddad", "yhaddad"),
)

TICKET_PROJECTS: tuple[str, ...] = ("OPS", "PAY", "PLAT", "DATA", "IAM", "EDGE", "SRE")

# Title templates: {svc} is a service name, {Svc} the same capitalised for the start of a title.
TITLE_TEMPLATES: tuple[str, ...] = (
    "{svc} 5xx errors after config push",
    "{svc} outage",
    "Partial {svc} outage",
    "Elevated latency on {svc}",
    "{svc} degraded during deploy",
    "{svc} unavailable for some customers",
    "Failed requests to {svc}",
    "{svc} queue backlog",
    "{svc} crash loop",
    "Intermittent timeouts in {svc}",
    "{svc} returning stale data",
    "{svc} disk full",
    "Certificate expiry on {svc}",
    "{svc} connection pool exhaustion",
    "Slow responses from {svc}",
    "{svc} memory pressure and OOM kills",
)

# category -> (weight, factor phrasings, trigger phrasings). {svc}, {dep}, {n}, {pct} are filled in.
FACTOR_CATEGORIES: tuple[tuple[str, int, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "config_change",
        22,
        (
            "A configuration change to {svc} lowered the connection timeout to {n}ms",
            "Feature flag rollout enabled a code path that had not been load tested",
            "Misconfigured rate limit in the {svc} ingress config",
            "The new config was valid YAML but referenced a secret that did not exist",
            "Config drift between staging and production for {svc}",
            "An env var override was left in place from a previous experiment",
            "Helm values for {svc} were bumped without updating the memory limits",
            "A typo in the routing table sent {pct}% of traffic to a drained pool",
            "Someone tweaked the retry settings in the shared config repo",
            "Terraform apply changed a security group rule used by {svc}",
        ),
        (
            "A config change was pushed to {svc}",
            "Feature flag flipped to 100% for {svc}",
            "Configuration update rolled out to all regions at once",
            "Helm values change merged for {svc}",
            "A Terraform apply touched the {svc} load balancer",
        ),
    ),
    (
        "deploy",
        18,
        (
            "Release v{n}.{pct} of {svc} shipped a regression in request parsing",
            "The deploy went to every region at once instead of via canary",
            "A bad build was promoted because the smoke test was skipped",
            "Rollback took {n} minutes because the previous image had been garbage-collected",
            "Deployment pipeline did not wait for readiness probes",
            "New {svc} pods passed health checks before the cache was warm",
            "The release bundled an unreviewed dependency upgrade",
            "Blue/green switch happened before the green stack finished migrating",
        ),
        (
            "Deployment of {svc} v{n}.{pct}",
            "Routine deploy of {svc}",
            "A hotfix release for {svc} was rolled out",
            "Rolling restart of {svc} after the weekly release",
        ),
    ),
    (
        "capacity",
        12,
        (
            "Traffic grew {pct}% week over week and {svc} had no headroom",
            "Node pool was at its autoscaling maximum",
            "Connection pool sized for last year's load",
            "Disk on the {svc} database host filled up",
            "Batch job competed with online traffic for CPU",
            "{svc} hit the per-account API quota of our cloud provider",
            "Autoscaler reacted too slowly to a burst of {n}x normal traffic",
        ),
        (
            "Traffic spike from a marketing campaign",
            "Nightly batch job started during peak hours",
            "Load increased {pct}% after a large customer onboarded",
            "A viral post sent a burst of signups",
        ),
    ),
    (
        "dependency",
        10,
        (
            "{dep} became unavailable and {svc} had no fallback",
            "Upstream provider degraded without updating their status page",
            "Retries against {dep} amplified the load",
            "Timeouts to {dep} were longer than our own request deadline",
            "A regional outage at our cloud provider took down {dep}",
            "{svc} treated a slow {dep} as healthy and kept queueing requests",
        ),
        (
            "{dep} started returning errors",
            "Latency from {dep} rose sharply",
            "Our cloud provider reported a regional networking incident",
        ),
    ),
    (
        "monitoring_gap",
        9,
        (
            "No alert on {svc} error rate, only on availability",
            "The dashboard existed but nobody was paged",
            "Alert threshold was set too high to fire for a partial outage",
            "Missing monitoring for queue depth",
            "Synthetic checks did not cover the failing endpoint",
            "Logs for {svc} were sampled at {pct}%, hiding the errors",
            "The pager rotation for {svc} had nobody on it that weekend",
        ),
        (
            "Error rate on {svc} rose slowly after a dependency upgrade",
            "A slow memory leak built up in {svc} over the weekend",
        ),
    ),
    (
        "cert_expiry",
        5,
        (
            "TLS certificate for {svc} expired",
            "Cert renewal job had been failing silently for {n} days",
            "An intermediate CA certificate was not rotated",
            "The certificate was renewed but never reloaded by {svc}",
        ),
        (
            "The TLS certificate on {svc} expired",
            "Clients started rejecting the {svc} certificate",
        ),
    ),
    (
        "process_gap",
        8,
        (
            "Runbook for {svc} failover was out of date",
            "The change was not reviewed by the owning team",
            "On-call handover missed an ongoing issue",
            "No change freeze during the peak sales window",
            "Escalation path to the database team was unclear",
            "Nobody owned {svc} after the team reorg",
        ),
        (
            "Manual maintenance was started without a change ticket",
            "An unannounced change window overlapped with peak traffic",
        ),
    ),
    (
        "data_migration",
        5,
        (
            "Schema migration locked the {svc} table for {n} minutes",
            "Backfill job wrote rows faster than replicas could apply them",
            "Data migration dropped an index still used by {svc}",
            "The migration script was tested on a dataset {n}x smaller than production",
        ),
        (
            "A schema migration ran on the {svc} database",
            "Backfill of the {svc} data started",
        ),
    ),
    (
        "code_bug",
        6,
        (
            "Null pointer in the {svc} retry handler",
            "Race condition in the cache invalidation path",
            "An unbounded query in {svc} loaded every row",
            "Memory leak in the {svc} worker after the last refactor",
            "Off-by-one in the pagination of the {svc} API",
        ),
        (
            "A rarely used code path in {svc} was exercised",
            "An unusual request pattern hit {svc}",
        ),
    ),
    (
        "human_error",
        5,
        (
            "A manual command was run against production instead of staging",
            "Operator deleted the wrong {svc} node group",
            "Typo in a firewall rule",
            "A cleanup script was pointed at the live bucket",
        ),
        ("An operator ran a manual fix script in production",),
    ),
)

ROOT_CAUSES: dict[str, str] = {
    "config_change": "A configuration change to {svc} that passed validation but broke request handling.",
    "deploy": "A regression shipped in a {svc} release and reached every instance before it was noticed.",
    "capacity": "{svc} ran out of capacity under load it had no headroom for.",
    "dependency": "{svc} depended on {dep} without a fallback, so its failure became ours.",
    "monitoring_gap": "The failure mode was not monitored, so it lasted until customers told us.",
    "cert_expiry": "An expired TLS certificate on {svc}; renewal had silently stopped.",
    "process_gap": "A change was made outside the usual review and change process.",
    "data_migration": "A data migration on {svc} held locks far longer than planned.",
    "code_bug": "A latent bug in {svc} was triggered by an unusual request pattern.",
    "human_error": "A manual production change with no guard rail against the wrong target.",
}

ACTION_TEMPLATES: dict[str, tuple[str, ...]] = {
    "short_term": (
        "Roll back the {svc} change and pin the previous version",
        "Add a temporary alert on {svc} 5xx rate",
        "Raise the {svc} connection pool limit",
        "Renew the certificate and add a calendar reminder",
        "Document the manual recovery steps in the runbook",
        "Scale the {svc} node pool by two nodes",
    ),
    "long_term": (
        "Validate {svc} config in CI before merge",
        "Introduce canary deploys for {svc}",
        "Automate certificate renewal with monitoring on expiry",
        "Add a circuit breaker around calls to the dependency",
        "Capacity plan for {svc} for the next two quarters",
        "Move the batch jobs off the online cluster",
    ),
    "preventive": (
        "Add schema migration dry runs against a production snapshot",
        "Require two reviewers for {svc} config changes",
        "Add load tests for {svc} to the release pipeline",
        "Set resource limits on {svc} workers",
    ),
    "detection": (
        "Alert on {svc} error budget burn rate",
        "Add synthetic checks for the {svc} checkout path",
        "Page on queue depth for {svc}",
        "Alert when certificate expiry is under 14 days",
    ),
    "process": (
        "Update the on-call handover checklist",
        "Run a failover game day for {svc}",
        "Add {svc} to the change freeze calendar",
        "Review escalation paths with the database team",
    ),
}

DETECTIONS: tuple[tuple[str, str], ...] = (
    ("Automated alert", "Alert fired: {svc} error rate above threshold"),
    ("Automated alert", "PagerDuty paged on-call for {svc} latency"),
    ("Customer report", "Customer support reported failures in {svc}"),
    ("Synthetic monitoring", "Synthetic check for {svc} started failing"),
    ("Internal team noticed", "An engineer noticed {svc} errors climbing on the dashboard"),
)
"""(detection method, timeline text) pairs, so the two always agree."""
ACK_TEXTS: tuple[str, ...] = (
    "On-call acknowledged the page",
    "On-call engineer acknowledged and opened an incident channel",
    "Incident declared, {actor} takes incident command",
)
INVESTIGATION_TEXTS: tuple[str, ...] = (
    "Investigation started, logs show connection timeouts",
    "Status page updated: investigating",
    "Suspected the recent change to {svc}",
    "Escalated to the owning team",
    "Identified the failing component",
    "Ruled out the network layer",
)
MITIGATION_TEXTS: tuple[str, ...] = (
    "Rolled back the change, errors dropping",
    "Mitigation applied: traffic shifted to the healthy region",
    "Scaled out {svc}, latency recovering",
    "Disabled the feature flag, error rate back to baseline",
    "Restarted the affected pods",
)
RESOLUTION_TEXTS: tuple[str, ...] = (
    "Service fully restored, incident resolved",
    "Monitoring confirms recovery, incident resolved",
    "All queues drained, incident closed",
)

CUSTOMER_IMPACTS: tuple[str, ...] = (
    "About {pct}% of requests to {svc} failed",
    "Requests to {svc} were slow or failing for {pct}% of users in EU",
    "Some customers saw errors from {svc} for part of the incident",
    "Data from {svc} was delayed by up to {n} minutes",
    "No customer impact; internal tooling only",
    "{svc} was unavailable for {pct}% of customers",
)

WENT_WELL: tuple[str, ...] = (
    "Alerting fired within minutes",
    "The rollback was quick and safe",
    "Clear incident command and communication",
    "Runbook steps worked as written",
    "Status page was updated early",
)
WENT_POORLY: tuple[str, ...] = (
    "It took too long to find the owning team",
    "Dashboards did not show the failing dependency",
    "The rollback procedure was manual",
    "Customer support learned about the issue from customers",
    "Alerts were noisy and the real signal was missed",
)

FACTOR_LABELS: dict[str, str] = {
    "config_change": "Configuration",
    "deploy": "Release process",
    "capacity": "Capacity",
    "dependency": "Dependency",
    "monitoring_gap": "Monitoring",
    "cert_expiry": "Certificates",
    "process_gap": "Process",
    "data_migration": "Data migration",
    "code_bug": "Code defect",
    "human_error": "Manual operation",
}
"""Short labels seed 002 puts before each factor (``- Capacity: ...``)."""

CATEGORY_ACTIONS: dict[str, tuple[str, ...]] = {
    "config_change": (
        "Validate {svc} config in CI before merge",
        "Roll out config changes region by region",
        "Add a config diff to the change review",
    ),
    "deploy": (
        "Introduce canary deploys for {svc}",
        "Block promotion when the smoke test is skipped",
        "Keep the last three images for fast rollback",
    ),
    "capacity": (
        "Capacity plan for {svc} for the next two quarters",
        "Raise the node pool maximum and alert at 80%",
        "Move the batch jobs off the online cluster",
    ),
    "dependency": (
        "Add a circuit breaker around calls to the dependency",
        "Cap retries with jittered backoff",
        "Subscribe to the provider's status feed",
    ),
    "monitoring_gap": (
        "Alert on {svc} error budget burn rate",
        "Add synthetic checks for the failing endpoint",
        "Page on queue depth for {svc}",
    ),
    "cert_expiry": (
        "Automate certificate renewal with monitoring on expiry",
        "Alert when certificate expiry is under 14 days",
        "Inventory every certificate {svc} depends on",
    ),
    "process_gap": (
        "Update the {svc} failover runbook",
        "Require owning-team review for {svc} changes",
        "Add {svc} to the change freeze calendar",
    ),
    "data_migration": (
        "Dry-run schema migrations against a production snapshot",
        "Throttle backfill jobs by replica lag",
        "Add a migration checklist to the release template",
    ),
    "code_bug": (
        "Add a regression test for the failing code path",
        "Fuzz the {svc} request parser",
        "Fix the leak and add a memory alert for {svc}",
    ),
    "human_error": (
        "Require confirmation for production-wide commands",
        "Separate production and staging credentials",
        "Script the manual fix and review it",
    ),
}
"""Follow-ups that answer a factor category; mixed with the generic ones per kind."""

# Recurrence families (issue 18): a later incident of the same service and failure category as
# an earlier one, written in other words. The first incident of a family keeps the ordinary
# wording (ROOT_CAUSES, TITLE_TEMPLATES); each repeat takes one of these instead.
RECURRING_TITLES: dict[str, tuple[str, ...]] = {
    "config_change": (
        "{svc} errors following a configuration update",
        "Config rollout breaks {svc}",
        "{svc} requests failing after a settings change",
    ),
    "deploy": (
        "{svc} release rolled back",
        "Bad {svc} build reaches production",
        "{svc} regression after release",
    ),
    "capacity": (
        "{svc} overloaded",
        "{svc} saturated under peak load",
        "Capacity shortfall in {svc}",
    ),
    "dependency": (
        "{svc} down with an upstream dependency",
        "Upstream failure cascades into {svc}",
        "{svc} impacted by a dependency outage",
    ),
    "monitoring_gap": (
        "Unnoticed {svc} degradation",
        "{svc} failure found by customers",
        "Silent {svc} errors",
    ),
    "cert_expiry": (
        "{svc} certificate expired",
        "TLS failures on {svc} after a cert lapse",
        "Expired cert takes down {svc}",
    ),
    "process_gap": (
        "Unreviewed change disrupts {svc}",
        "{svc} outage from an out-of-process change",
        "Change process bypassed on {svc}",
    ),
    "data_migration": (
        "{svc} migration locks tables",
        "{svc} stalled during a data migration",
        "Schema migration blocks {svc}",
    ),
    "code_bug": (
        "{svc} bug triggered by unusual requests",
        "Latent defect crashes {svc}",
        "{svc} errors from a dormant bug",
    ),
    "human_error": (
        "Manual change breaks {svc}",
        "{svc} impact from a mistaken manual operation",
        "Wrong target in a manual {svc} fix",
    ),
}
RECURRING_ROOT_CAUSES: dict[str, tuple[str, ...]] = {
    "config_change": (
        "{svc} broke after a config update that every check accepted; requests failed once it rolled out.",
        "Bad configuration reached {svc}: the change validated cleanly, yet the service could not serve traffic with it.",
        "A settings change for {svc} was never exercised with real requests before rollout, and request handling failed.",
    ),
    "deploy": (
        "The new {svc} build carried a bug that went to all hosts at once; nothing stopped the rollout.",
        "A faulty {svc} version was released everywhere before anyone saw the errors.",
        "The {svc} release introduced a defect and the rollout had no canary stage to catch it.",
    ),
    "capacity": (
        "{svc} was saturated: demand exceeded what its nodes could serve and there was no spare capacity.",
        "Load outgrew the capacity provisioned for {svc}, and it could not scale in time.",
        "Not enough headroom in {svc} for the traffic it received.",
    ),
    "dependency": (
        "When {dep} failed, {svc} failed with it: there was no fallback path.",
        "{svc} had a hard dependency on {dep}; its outage cascaded into ours.",
        "An outage of {dep} took {svc} down because calls to it had no fallback or circuit breaker.",
    ),
    "monitoring_gap": (
        "Nothing alerted on this failure in {svc}; customers noticed before we did.",
        "{svc} degraded silently: no alert covered it and the first signal was a customer report.",
        "Our monitoring had no check for this {svc} failure, so it ran unnoticed for a long time.",
    ),
    "cert_expiry": (
        "The {svc} certificate ran out because automatic renewal had been failing without anyone knowing.",
        "The TLS cert for {svc} lapsed; the renewal job had quietly stopped working.",
        "Certificate renewal for {svc} broke silently and the cert expired.",
    ),
    "process_gap": (
        "The {svc} change skipped review and the change-management process.",
        "Work on {svc} bypassed the normal change process, so no one caught the risk.",
        "An unreviewed change to {svc} went ahead outside any change window.",
    ),
    "data_migration": (
        "The {svc} schema migration locked tables for much longer than expected.",
        "A migration of {svc} data blocked writes while it held its locks.",
        "Long-running locks from the {svc} migration stalled the service.",
    ),
    "code_bug": (
        "An unusual sequence of requests hit a dormant defect in {svc}.",
        "{svc} had a hidden bug that only a rare request pattern exposed.",
        "A long-standing {svc} bug surfaced under an uncommon request shape.",
    ),
    "human_error": (
        "A manual command was run against the wrong {svc} target; nothing prevented it.",
        "A hand-run production operation on {svc} hit the wrong resources, with no safeguard.",
        "Manual work on {svc} in production had no guard rail and affected the wrong target.",
    ),
}
"""The same failure as ``ROOT_CAUSES[category]``, in other words."""

"""Milestones read from the timeline and the prose, and the document shapes they come from.

Each case is a small document written to show one rule (the real corpora's goldens show them on
real files). Times in the expectations are UTC, computed by hand from what each document says.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pmkit.config import Config, load_config
from pmkit.parse import parse_text
from pmkit.parse.milestone_words import (
    BUNDLED_MILESTONES,
    MILESTONES,
    MilestoneWordsError,
    load_milestone_words,
    parse_milestone_words,
)
from pmkit.synth import write_corpus


def one(text: str, name: str = "2026-03-04-x.md", config: Config | None = None):  # noqa: ANN201
    doc = parse_text(text, name, config)
    assert not [i for i in doc.issues if i.level == "error"], doc.issues
    (pm,) = doc.incidents
    return pm


def at(pm, name: str) -> tuple[str | None, str | None]:  # noqa: ANN001
    value = getattr(pm, f"{name}_at")
    return (value.isoformat() if value else None), getattr(pm, f"{name}_source")


# --- the timeline ----------------------------------------------------------------------------


def test_first_event_starts_words_pick_the_others() -> None:
    pm = one(
        "# Checkout outage\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2026-03-04 14:05: errors climb on checkout\n"
        "- 14:12: latency alert fires\n"
        "- 14:15: on-call acknowledged the page\n"
        "- 14:40: rolled back the release\n"
        "- 14:55: error rate back to normal, incident resolved\n"
        "- 16:00: postmortem scheduled\n"
    )
    assert at(pm, "started") == ("2026-03-04T14:05:00", "timeline")
    assert at(pm, "detected") == ("2026-03-04T14:12:00", "timeline")
    assert at(pm, "acknowledged") == ("2026-03-04T14:15:00", "timeline")
    assert at(pm, "mitigated") == ("2026-03-04T14:40:00", "timeline")
    assert at(pm, "resolved") == ("2026-03-04T14:55:00", "timeline")
    assert pm.duration_minutes == 50


def test_a_label_wins_over_words_and_the_cause_is_passed_over() -> None:
    pm = one(
        "# T\n\n## Timeline\n\n"
        "- 2026-03-04 09:00 UTC: PR merged, deploy to staging\n"
        "- 11:20 UTC: errors are reported by a customer\n"
        "- 11:30 UTC: the cache was cleared. **Outage begins.**\n"
        "- 12:10 UTC: rolled back\n"
        "- 12:30 UTC: Mitigated: traffic moved to the other region\n"
        "- 12:45 UTC: Resolved\n"
    )
    assert at(pm, "started")[0] == "2026-03-04T11:30:00"  # the label, not the merge or the report
    assert at(pm, "mitigated")[0] == "2026-03-04T12:30:00"  # "Mitigated:" beats "rolled back"
    assert at(pm, "resolved")[0] == "2026-03-04T12:45:00"


def test_negated_and_future_words_are_not_milestones() -> None:
    pm = one(
        "# T\n\n## Timeline\n\n"
        "- 2026-03-04 10:00 UTC: checkout errors begin\n"
        "- 10:30 UTC: the problem is not resolved by the restart\n"
        "- 10:40 UTC: space will be recovered tonight\n"
        "- 10:50 UTC: no loss of data has been detected\n"
    )
    assert at(pm, "resolved") == (None, None)
    assert at(pm, "detected") == (None, None)


@pytest.mark.parametrize(
    ("first", "why"),
    [
        ("- [???] disk pressure began degrading the cluster", "the onset has no time"),
        ("- 2026-03-01: the disk started filling up", "a dated row on an earlier day"),
    ],
)
def test_a_start_earlier_than_any_time_given_is_unknown(first: str, why: str) -> None:
    pm = one(f"# T\n\n## Timeline\n\n{first}\n- 2026-03-04 13:26 UTC: someone reports errors\n")
    assert at(pm, "started") == (None, None), why
    assert at(pm, "detected")[0] == "2026-03-04T13:26:00"


def test_late_detection_leaves_the_start_unknown() -> None:
    pm = one(
        "# T\n\n## Timeline\n\n- 2026-03-04 07:28 UTC: problem is identified, launches have been "
        "failing for several hours now\n- 08:05 UTC: service is restored\n"
    )
    assert at(pm, "started") == (None, None)
    assert at(pm, "resolved")[0] == "2026-03-04T08:05:00"


def test_a_stated_duration_and_the_summary_window_pick_the_start() -> None:
    # "unusable for about 1h50m" before the end at 15:25: the 13:35 entry, not 13:06 (staging)
    pm = one(
        "# T\n\n## Summary\n\nBeta was unusable for about 1h50m.\n\n## Timeline\n\nAll times in "
        "PST\n\n### 2017-09-27 13:06\n\nChanges deployed to staging.\n\n### 13:35\n\nDeployment "
        "to beta is complete.\n\n### 13:44\n\n403 errors reported by others.\n\n### 15:25\n\n"
        "The fix is deployed, bringing the outage to an end.\n"
    )
    assert at(pm, "started")[0] == "2017-09-27T21:35:00"
    assert at(pm, "resolved")[0] == "2017-09-27T23:25:00"


def test_out_of_sequence_entries_give_no_milestone_and_a_day_typo_is_read() -> None:
    pm = one(
        "# T\n\n## Timeline\n\nAll times in PDT.\n\n"
        "- [03-20 16:46] spec updated\n"
        "- [03-26 23:04] the pod is stuck in a crash loop (**outage starts**)\n"
        "- [03-26 02:50] the outage is reported on GitHub\n"
        "- [03-26 08:10] fixed build deployed (**outage ends**)\n",
        "2019-03-26-boskos.md",
    )
    # 23:04 written between 03-20 and 03-26 02:50 was the evening before: 03-25 23:04 PDT
    assert at(pm, "started")[0] == "2019-03-26T06:04:00"
    assert at(pm, "resolved")[0] == "2019-03-26T15:10:00"


def test_a_follow_up_timeline_is_kept_but_gives_no_milestone_and_no_action() -> None:
    pm = one(
        "# T\n\n## Timeline (times in BST)\n\n### 5:00 PM\nIncident declared\n\n### 6:11 PM\n"
        "Incident resolved.\n\n## Follow-up timeline (times in BST)\n\n### 8:16 PM\nUsers report "
        "trouble logging in\n\n### 8:20 PM\nEngineer acknowledges report.\n\n## Action Items\n\n"
        "- [ ] Write an incident report\n",
        "2025-08-12-leap.md",
    )
    assert [e.time_text for e in pm.timeline] == ["5:00 PM", "6:11 PM", "8:16 PM", "8:20 PM"]
    assert at(pm, "started")[0] == "2025-08-12T16:00:00"  # 12-hour times keep PM
    assert at(pm, "resolved")[0] == "2025-08-12T17:11:00"
    assert at(pm, "acknowledged") == (None, None)
    assert [a.text for a in pm.actions] == ["Write an incident report"]


def test_bare_times_read_as_utc_are_not_used_when_the_document_writes_a_zone() -> None:
    pm = one(
        "# T\n\nThe hubs went down around 2.30 AM PST.\n\n## Timeline\n\n### 06:10\n\n"
        "Someone reported errors.\n\n### 08:45\n\nService is restored.\n",
        "2022-01-20-hubs.md",
    )
    assert at(pm, "started") == ("2022-01-20T10:30:00", "prose")
    assert at(pm, "detected") == (None, None)
    assert at(pm, "resolved") == (None, None)


def test_a_read_milestone_out_of_order_is_dropped() -> None:
    pm = one(
        "# T\n\n## Timeline\n\n- 2026-03-04 09:00 UTC: errors begin\n"
        "- 09:05 UTC: on-call acknowledged the issue\n- 11:00 UTC: more users reported errors\n"
    )
    assert at(pm, "acknowledged")[0] == "2026-03-04T09:05:00"
    assert at(pm, "detected") == (None, None)  # "reported" two hours after the ack: not it


# --- the prose --------------------------------------------------------------------------------


def test_prose_gives_the_milestones_when_there_is_no_timeline() -> None:
    pm = one(
        "# Rustup release incident\n\nOn 2021-04-27 at 15:09 UTC we released a new version. At "
        "15:23 UTC we received a report that we had introduced a regression. At 15:27 UTC we "
        "confirmed it, and we reverted, an action completed by 15:56 UTC.\n"
    )
    assert at(pm, "started") == ("2021-04-27T15:09:00", "prose")
    assert at(pm, "detected") == ("2021-04-27T15:23:00", "prose")
    assert at(pm, "mitigated") == (None, None)  # two times, two verbs: not guessed


def test_a_prose_window_and_a_weekday_date_with_the_title_year() -> None:
    pm = one(
        "# 2021-01-30: NodeBalancer faults\n\nAt around 14:30 UTC on Saturday 30th January we "
        "started experiencing networking issues.\n\n## Impact\n\nFor about 13 minutes, between "
        "12:17 and 12:30 UTC on 2023-07-20, downloads were broken.\n"
    )
    assert at(pm, "started") == ("2023-07-20T12:17:00", "prose")  # the stated window wins
    assert at(pm, "resolved") == ("2023-07-20T12:30:00", "prose")
    weekday = one("# 2021-01-30: X\n\nAt around 14:30 UTC on Saturday 30th January it began.\n")
    assert at(weekday, "started") == ("2021-01-30T14:30:00", "prose")
    wrong = one("# 2021-01-30: X\n\nAt around 14:30 UTC on Sunday 30th January it began.\n")
    assert at(wrong, "started") == (None, None)  # the weekday contradicts the date


# --- shapes --------------------------------------------------------------------------------


def test_toml_front_matter_title_team_and_authors() -> None:
    pm = one(
        '+++\ntitle = "crates.io incident report for 2020-02-20"\nauthors = ["Pietro Albini"]\n\n'
        '[extra]\nteam = "the crates.io team"\n+++\n\nOn 2020-02-20 at 21:28 UTC we received a '
        "report.\n",
        "crates.md",
    )
    assert pm.title == "crates.io incident report for 2020-02-20"
    assert pm.owner == "Pietro Albini"
    assert pm.team == "the crates.io team"
    assert pm.incident_date == date(2020, 2, 20)
    assert at(pm, "detected") == ("2020-02-20T21:28:00", "prose")


def test_no_title_gives_the_whole_file_stem_as_title_and_id() -> None:
    doc = parse_text("## Summary\n\nSomething broke.\n", "06_org__repo.name__2017-09-27-hub.md")
    (pm,) = doc.incidents
    assert pm.title == pm.incident_id == "06_org__repo.name__2017-09-27-hub"
    doc = parse_text("## Summary\n\nX.\n", "moj/51_x__2020-02-12.html.md.erb.md")
    assert doc.incidents[0].incident_id == "51_x__2020-02-12"


def test_a_blog_date_is_when_the_post_went_out() -> None:
    pm = one(
        "---\ntitle: Incident report\nauthors:\n  - ann\ndate: 2024-07-08\ntags: [security]\n---\n"
        "\nOn June 28, 2024 we were notified of a leaked token.\n",
        "post.md",
    )
    assert pm.incident_date == date(2024, 6, 28)


def test_timeline_shapes_real_documents_use() -> None:
    pm = one(
        "# Report May 12 2025\n\n## Timeline\n\n_All times in EEST_\n\n## May 12\n\n### 23:00\n\n"
        "Engineer looks at logs\n\n### 00:40\n\nResource exhaustion found\n\n## 15 May\n\n"
        "### 11:00 AM\n\nEngineers agree to stop\n\n## Action Items\n\n- [ ] write a report\n",
        "report.md",
    )
    assert [(e.time_text, e.occurred_at.isoformat()) for e in pm.timeline] == [
        ("23:00", "2025-05-12T20:00:00"),
        ("00:40", "2025-05-12T21:40:00"),  # past midnight in EEST, still the 12th in UTC
        ("11:00 AM", "2025-05-15T08:00:00"),  # a day-first day heading, AM kept
    ]


def test_date_only_rows_footnotes_and_a_timestamp_line_over_the_event() -> None:
    pm = one(
        "# Leak\n\n## Timeline of events\n\n"
        "- 2023-MM-DD[^1]:\n    A token was created.\n"
        "- 2023-03-03[^3]:\n    An image was pushed containing the token.\n"
        "- 2024-06-28 7:09 AM Eastern:\n    A researcher reports the token.\n"
        "- 2025-04-14 16:37 UTC\n    Someone noticed the issue.\n\n[^1]: unknown\n[^3]: later\n",
        "leak.md",
    )
    rows = [(e.time_text, e.occurred_at, e.occurred_on, e.event) for e in pm.timeline]
    assert rows[0][:3] == ("2023-MM-DD", None, None)
    assert rows[1][1:] == (None, date(2023, 3, 3), "An image was pushed containing the token.")
    assert rows[2][1].isoformat() == "2024-06-28T11:09:00"  # Eastern in June is EDT
    assert rows[3][1].isoformat() == "2025-04-14T16:37:00"
    assert rows[3][3] == "Someone noticed the issue."


def test_a_note_dates_every_bare_time() -> None:
    pm = one(
        "# docs.rs outage\n\n## Timeline\n\nUnless otherwise noted all events happened on "
        "2019-10-21, and all times are in\nUTC.\n\n- **2019-10-20 00:55: builds started "
        "failing**\n- **01:38: alerts fired, someone got paged**\n- 02:06: docs.rs back online\n",
        "docsrs.md",
    )
    assert [e.occurred_at.isoformat() for e in pm.timeline] == [
        "2019-10-20T00:55:00",
        "2019-10-21T01:38:00",
        "2019-10-21T02:06:00",
    ]
    assert pm.timeline[0].event == "builds started failing"


def test_a_timeline_found_by_its_content_under_any_heading() -> None:
    pm = one(
        "---\ntitle: '2021-07-11: Cascading node failures'\n---\n\n# Leadup\n\n"
        "- **00:27 UTC:** Django starts using connections\n"
        "- **00:32 UTC:** DevOps team is alerted. Joe is paged.\n",
        "x.md",
    )
    assert [e.time_text for e in pm.timeline] == ["00:27 UTC", "00:32 UTC"]
    assert at(pm, "started")[0] == "2021-07-11T00:27:00"


def test_responders_from_a_section_and_from_front_matter() -> None:
    pm = one("# T\n\n**Incident commander:** Ann\n\n## Responders\n\n- @bo\n- @cy\n- Ann\n")
    assert pm.responders == ["Ann", "@bo", "@cy"]
    pm = one("---\ntitle: T\nresponders: [Dee, Eli]\n---\n\nText.\n")
    assert pm.responders == ["Dee", "Eli"]


def test_actions_under_any_follow_up_heading_without_definitions_or_wrapping() -> None:
    pm = one(
        "# T\n\n## What we are changing\n\nActions fall under types. Types:\n\n"
        "- Prevent - stop it happening\n- Detect - notice sooner\n\n#### Immediate\n\n"
        "- Purge the logs; Completed as of 2021-10-29.\n\n## Long term changes\n\n"
        "The release process will be updated to include a\npublic beta phase.\n"
    )
    assert [a.text for a in pm.actions] == [
        "Purge the logs; Completed as of 2021-10-29.",
        "The release process will be updated to include a public beta phase.",
    ]
    assert pm.actions[0].status == "done"


# --- the word lists --------------------------------------------------------------------------


def test_the_bundled_word_lists_load_and_cover_every_milestone() -> None:
    words = load_milestone_words(BUNDLED_MILESTONES)
    assert set(words.milestones) == set(MILESTONES)
    assert words["resolved"].says("Service fully restored, incident resolved")
    assert not words["resolved"].says("the incident was not resolved")


def test_milestones_path_in_pmkit_toml_replaces_the_words(tmp_path: Path) -> None:
    custom = tmp_path / "words.toml"
    custom.write_text('[resolved]\nkeywords = ["wrapped up"]\n', encoding="utf-8")
    (tmp_path / "pmkit.toml").write_text('[paths]\nmilestones = "words.toml"\n', encoding="utf-8")
    config = load_config(tmp_path / "pmkit.toml")
    assert config.milestones_path == custom
    text = "# T\n\n## Timeline\n\n- 2026-03-04 10:00 UTC: errors\n- 11:00 UTC: all wrapped up\n"
    assert at(one(text, config=config), "resolved")[0] == "2026-03-04T11:00:00"
    assert at(one(text), "resolved") == (None, None)  # the bundled words do not say so


def test_a_broken_word_file_falls_back_to_the_bundled_one_with_a_warning(tmp_path: Path) -> None:
    broken = tmp_path / "words.toml"
    broken.write_text("[resolved\n", encoding="utf-8")
    config = Config(milestones_path=broken)
    doc = parse_text("# T\n\n## Timeline\n\n- 2026-03-04 10:00 UTC: x\n", "x.md", config)
    assert doc.incidents and doc.incidents[0].started_at is not None
    warning = next(i for i in doc.issues if i.field == "milestones")
    assert str(broken) in warning.message and warning.level == "warning"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[nope]\n", "unknown table"),
        ('[resolved]\nkeywords = "x"\n', "must be a list of strings"),
        ("[resolved]\npatterns = ['(']\n", "bad pattern"),
        ('[detected]\ncause = ["x"]\n', "unknown key"),
    ],
)
def test_word_file_errors_name_the_file_and_key(text: str, message: str) -> None:
    with pytest.raises(MilestoneWordsError, match=message):
        parse_milestone_words(text, "w.toml")


# --- against the generator's ground truth ------------------------------------------------


def test_timeline_milestones_agree_with_the_synthetic_ground_truth(tmp_path: Path) -> None:
    """Every milestone read from a synthetic timeline (all six shapes, 120 files) is the one the
    generator wrote: a word list that misfires shows up here as a wrong time, not a missing one."""
    gens = write_corpus(120, 3, date(2024, 11, 16), date(2026, 11, 16), tmp_path)
    read = 0
    for g in gens:
        if g.unfilled:
            continue
        (pm,) = parse_text((tmp_path / g.path).read_text(encoding="utf-8"), g.path).incidents
        for name in MILESTONES:
            got, source = getattr(pm, f"{name}_at"), getattr(pm, f"{name}_source")
            if got is not None and source == "timeline":
                read += 1
                assert got == getattr(g.truth, f"{name}_at"), (g.path, name)
    assert read > 200  # detection, acknowledgement and mitigation for most files

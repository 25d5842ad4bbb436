"""The migration report (docs/contracts.md §6): built from measured numbers, rendered as JSON and HTML.

``build_report`` is pure: it takes what validation measured (source and target counts, the run's counters,
source request statistics) and decides every acceptance check from those numbers alone, so the same inputs
always give the same verdict. ``render_html`` escapes everything it prints.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

DEAD_LETTER_LIMIT = 0.005
IMAGES_OK_RATIO = 0.99
FAMILY_FIELDS = ("source", "target", "imported", "skipped", "failed", "duplicate", "dead_lettered", "unreadable",
                 "sampled", "field_mismatches")


def build_report(
    *,
    run_id: str,
    duration_s: float,
    counts: Mapping[str, tuple[int, int]],
    run_families: Mapping[str, Mapping[str, Any]],
    source_stats: Mapping[str, Any],
    samples: Mapping[str, tuple[int, int]] | None = None,
    references: tuple[int, int] = (0, 0),
    media: tuple[int, int] = (0, 0),
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble the report and its acceptance verdict.

    Args:
        run_id: the migration run (orchestration instance id).
        duration_s: wall time of the run.
        counts: family → (records in the source, records in the target).
        run_families: family → the run's counters (imported, skipped, failed, duplicate, dead_lettered, …).
        source_stats: the source portal's request statistics (``/_sim/stats`` shape or the client's).
        samples: family → (records sampled, field mismatches found).
        references: (references checked, orphans found).
        media: (images in the source, images transferred and verified).
        extra: additional top-level keys (e.g. the rerun's idempotency check).
    """
    families: dict[str, dict[str, Any]] = {}
    for family, (source, target) in counts.items():
        run = run_families.get(family, {})
        sampled, mismatches = (samples or {}).get(family, (0, 0))
        families[family] = {
            "source": source, "target": target,
            "imported": int(run.get("imported", 0)), "skipped": int(run.get("skipped", 0)),
            "failed": int(run.get("failed", 0)), "duplicate": int(run.get("duplicate", 0)),
            "dead_lettered": int(run.get("dead_lettered", 0)),
            "unreadable": int(run.get("unreadable", 0)),
            "sampled": sampled, "field_mismatches": mismatches,
        }
    total_source = sum(f["source"] for f in families.values())
    # records the source API withholds (documented platform limits) are listed, not counted as our failures
    total_dead = sum(f["dead_lettered"] - f["unreadable"] for f in families.values())
    media_source, media_ok = media
    write_calls = int(source_stats.get("writes", 0))
    acceptance = {
        "counts_match": all(f["source"] == f["target"] + f["dead_lettered"] for f in families.values())
        and all(f["field_mismatches"] == 0 for f in families.values()),
        "images_ok": media_ok >= IMAGES_OK_RATIO * media_source,
        "no_orphans": references[1] == 0,
        "dead_letters_under_0_5pct": total_dead <= DEAD_LETTER_LIMIT * max(total_source, 1),
        "no_source_writes": write_calls == 0,
    }
    acceptance["passed"] = all(acceptance.values())
    report: dict[str, Any] = {
        "run_id": run_id,
        "duration_s": round(duration_s, 3),
        "families": families,
        "references": {"checked": references[0], "orphans": references[1]},
        "media": {"source": media_source, "transferred": media_ok,
                  "ok_ratio": 1.0 if media_source == 0 else round(media_ok / media_source, 6)},
        "source_requests": {
            "http": int(source_stats.get("requests", 0)),
            "by_error": dict(source_stats.get("errors", {})),
            "write_calls": write_calls,
            "operating_s": {m: v.get("operating_s", 0.0) for m, v in source_stats.get("by_method", {}).items()},
        },
        "acceptance": acceptance,
        "limitations": {name: f["unreadable"] for name, f in families.items() if f["unreadable"]},
    }
    if extra:
        report.update(extra)
    return report


def render_html(report: Mapping[str, Any]) -> str:
    """A self-contained HTML page of the report."""
    esc = html.escape
    rows = "".join(
        "<tr><th>" + esc(name) + "</th>" + "".join(f"<td>{esc(str(fam.get(k, '')))}</td>" for k in FAMILY_FIELDS)
        + "</tr>"
        for name, fam in report["families"].items()
    )
    checks = "".join(
        f"<li class={'ok' if ok else 'bad'}>{esc(name)}: {'pass' if ok else 'FAIL'}</li>"
        for name, ok in report["acceptance"].items()
    )
    head = "".join(f"<th>{esc(k)}</th>" for k in FAMILY_FIELDS)
    verdict = "PASSED" if report["acceptance"]["passed"] else "FAILED"
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Migration report "
        f"{esc(str(report['run_id']))}</title><style>body{{font-family:sans-serif;margin:2em}}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
        ".ok{color:#060}.bad{color:#a00;font-weight:bold}</style></head><body>"
        f"<h1>Migration report — {verdict}</h1><p>Run <code>{esc(str(report['run_id']))}</code>, "
        f"{report['duration_s']} s</p><h2>Families</h2><table><tr><th>family</th>{head}</tr>{rows}</table>"
        f"<h2>Acceptance</h2><ul>{checks}</ul>"
        f"<h2>Source requests</h2><p>HTTP requests: {report['source_requests']['http']}, "
        f"write calls: {report['source_requests']['write_calls']}, errors: "
        f"{esc(str(report['source_requests']['by_error']))}</p>"
        f"<h2>Media</h2><p>{report['media']['transferred']} of {report['media']['source']} images</p>"
        f"<h2>Known limitations</h2><p>{esc(str(report.get('limitations') or 'none'))} (records the source "
        "API does not return in full; listed in the dead-letter queue with code source_unreadable)</p>"
        f"<h2>References</h2><p>{report['references']['checked']} checked, "
        f"{report['references']['orphans']} orphans</p></body></html>"
    )

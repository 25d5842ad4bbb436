"""End-to-end migration benchmark: the whole demo stack for one profile, one JSON line per run.

Runs ``b24migrate demo --profile P --json --no-rerun`` (source simulator at ``--limits standard``, so the
cloud portal's rate limit is the bottleneck it would be in production) and prints the records moved, the
source HTTP requests, the migration's wall time and the records per second.

    python bench/migration.py --profile small
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="small")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "cli", "demo", "--profile", args.profile, "--out", tmp, "--json", "--no-rerun"],
            cwd=REPO, capture_output=True, text=True, check=False,
        )
        total = time.monotonic() - started
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        print(json.dumps({"bench": "migration", "profile": args.profile, "error": proc.stderr[-2000:]}))
        sys.exit(1)
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    records = sum(f["source"] for f in report["families"].values())
    moved = sum(f["target"] for f in report["families"].values())
    print(json.dumps({
        "bench": "migration", "profile": args.profile, "source_records": records, "target_records": moved,
        "source_http_requests": report["source_requests"]["http"],
        "source_errors": report["source_requests"]["by_error"],
        "migration_wall_s": report["duration_s"], "demo_wall_s": round(total, 1),
        "records_per_s": round(moved / report["duration_s"], 1) if report["duration_s"] else None,
        "passed": report["acceptance"]["passed"],
    }))


if __name__ == "__main__":
    main()

"""``b24migrate demo``: the whole product on one machine, from nothing to a validated report.

Starts Azurite, a source simulator (the cloud portal), a target simulator (the on-prem portal), the import
gateway and the local Durable host as child processes on free loopback ports; starts a full migration through
the HTTP starter, shows progress, runs it a second time against the same stores to prove that nothing is
imported twice, validates source against target, writes ``report.json`` and ``report.html``, and stops exactly
the processes it started. Exit status 0 only when every acceptance check passes.
"""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from cli.http import request_json
from cli.processes import Child, cli_command, free_port, start, start_azurite, wait_http
from cli.progress import follow
from shared.report import build_report, render_html
from shared.storage.connection import azurite_connection_string

console = Console(stderr=True)


class Stack:
    """The demo's child processes and their URLs; ``close`` stops every one of them by PID."""

    def __init__(self, out: Path, *, host_source_code: str | None = None) -> None:
        self.out = out
        # tests hand the host a different source code than the simulator's, to prove a wrong webhook fails fast
        self.host_source_code = host_source_code
        self.children: list[Child] = []
        self.source_code = secrets.token_hex(8)
        self.target_code = secrets.token_hex(8)
        self.import_code = secrets.token_hex(12)

    def up(self, profile: str, fixture: Path | None) -> None:
        logs, work = self.out / "logs", self.out / "work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        azurite, ports = start_azurite(logs, work / "azurite")
        self.children.append(azurite)
        self.storage = azurite_connection_string(*ports)
        sp, tp, gp, hp = free_port(), free_port(), free_port(), free_port()
        source_args = ["--fixture", str(fixture)] if fixture else ["--profile", profile]
        self.source_url = f"http://127.0.0.1:{sp}"
        self.target_url = f"http://127.0.0.1:{tp}"
        self.gateway_base = f"http://127.0.0.1:{gp}"
        self.host_url = f"http://127.0.0.1:{hp}"
        self._spawn("source-sim", cli_command("sim", "serve", "--port", str(sp), *source_args, "--mode", "source",
                                              "--limits", "standard", "--webhook", f"1/{self.source_code}"),
                    f"{self.source_url}/_sim/counts")
        # the on-prem admin creates the smart-process types before the import (the plan's section 10);
        # the demo does it by giving the target the source's type definitions
        _, dump = request_json("GET", f"{self.source_url}/_sim/dump")
        setup = work / "target-setup.json"
        setup.write_text(json.dumps({"crm_types": (dump or {}).get("crm_types", [])}, ensure_ascii=False))
        self._spawn("target-sim", cli_command("sim", "serve", "--port", str(tp), "--mode", "target",
                                              "--limits", "off", "--webhook", f"1/{self.target_code}",
                                              "--fixture", str(setup)),
                    f"{self.target_url}/_sim/counts")
        self._spawn("gateway", cli_command("gateway", "serve", "--port", str(gp), "--db", str(work / "gateway.sqlite"),
                                           "--target-webhook", f"{self.target_url}/rest/1/{self.target_code}/",
                                           "--import-code", self.import_code, "--import-user-id", "1"),
                    f"{self.gateway_base}/healthz")
        env = {
            "B24_SOURCE_WEBHOOK_URL": f"{self.source_url}/rest/1/{self.host_source_code or self.source_code}/",
            "B24_GATEWAY_URL": f"{self.gateway_base}/webhook/1/{self.import_code}/",
            "B24_TARGET_READ_WEBHOOK_URL": f"{self.target_url}/rest/1/{self.target_code}/",
            "B24_LIMITS": "standard",
            "AzureWebJobsStorage": self.storage,
            "DELTA_SCHEDULE": "0 */30 * * * *",
        }
        self._host_args = (cli_command("host", "serve", "--port", str(hp), "--db", str(work / "host.sqlite")), env)
        self.host = self._spawn("host", self._host_args[0], f"{self.host_url}/api/migrations/none", env=env)

    def restart_host(self) -> None:
        """Kill the host with SIGKILL (as a crashed worker dies) and start it again on the same database."""
        self.host.process.kill()
        self.host.process.wait(timeout=10)
        self.children.remove(self.host)
        argv, env = self._host_args
        self.host = self._spawn("host", argv, f"{self.host_url}/api/migrations/none", env=env)

    def _spawn(self, name: str, argv: list[str], ready_url: str, env: dict[str, str] | None = None) -> Child:
        child = start(name, argv, self.out / "logs", env=env)
        self.children.append(child)
        wait_http(child, ready_url, timeout_s=90)
        return child

    def close(self) -> None:
        for child in reversed(self.children):
            child.stop()


def run_migration(host_url: str, body: dict[str, Any], label: str, timeout_s: float = 3600) -> dict[str, Any]:
    """Start ``all`` through the HTTP starter and follow it with progress bars until it ends."""
    status, started = request_json("POST", f"{host_url}/api/migrations/all", body)
    if status != 202 or not isinstance(started, dict):
        raise RuntimeError(f"starter answered {status}: {started}")
    return follow(host_url, started["id"], console, label=f"{label} ", timeout_s=timeout_s)


def _final_report(state: dict[str, Any], source_stats: dict[str, Any], profile: str | None) -> dict[str, Any]:
    """The run's own validation report, with the source audit taken from the simulator."""
    durable = (state.get("output") or {}).get("report")
    if not isinstance(durable, dict):
        raise RuntimeError(f"run {state.get('instanceId')} finished without a validation report")
    families = durable["families"]
    report = build_report(
        run_id=durable["run_id"], duration_s=durable["duration_s"],
        counts={f: (v["source"], v["target"]) for f, v in families.items()},
        run_families=families, source_stats=source_stats,
        samples={f: (v["sampled"], v["field_mismatches"]) for f, v in families.items()},
        references=(durable["references"]["checked"], durable["references"]["orphans"]),
        media=(durable["media"]["source"], durable["media"]["transferred"]),
        extra={"profile": profile, "uncounted": durable.get("uncounted", {})},
    )
    if report["uncounted"]:
        report["acceptance"]["counts_match"] = report["acceptance"]["passed"] = False
    return report


def demo(
    profile: str = typer.Option("tiny", help="Portal size: tiny, small, medium or large."),
    fixture: Path | None = typer.Option(None, help="Migrate this fixture (contracts.md §3) instead of a profile."),
    out: Path = typer.Option(Path("out/demo"), help="Where report.json, report.html and logs go."),
    json_out: bool = typer.Option(False, "--json", help="Print the report JSON as the last line."),
    rerun: bool = typer.Option(True, help="Run the migration a second time to prove nothing is imported twice."),
) -> None:
    """Run the whole migration locally and write the report; exit 0 only if every acceptance check passes."""
    if fixture is not None and not fixture.is_file():
        raise typer.BadParameter(f"fixture {fixture} does not exist", param_hint="--fixture")
    out.mkdir(parents=True, exist_ok=True)
    stack = Stack(out)
    try:
        console.print(f"[bold]Starting the local stack[/] (profile {fixture or profile}) …")
        stack.up(profile, fixture)
        request_json("POST", f"{stack.source_url}/_sim/reset-stats")
        first = run_migration(stack.host_url, {}, "migrate")
        if first.get("runtimeStatus") != "Completed":
            console.print(f"[red]Migration {first.get('runtimeStatus')}:[/] {first.get('error')}")
            raise typer.Exit(2)
        # the source simulator's own audit is the authority on what reached the portal (writes included)
        _, source_stats = request_json("GET", f"{stack.source_url}/_sim/stats")
        report = _final_report(first, source_stats or {}, None if fixture else profile)
        if rerun:
            second = run_migration(stack.host_url, {}, "rerun ")
            again = {f: c for f, c in (second.get("families") or {}).items() if c.get("state") != "not_supported"}
            report["rerun"] = {
                "run_id": second.get("instanceId"),
                "imported": sum(int(c.get("imported", 0)) for c in again.values()),
                "duplicate": sum(int(c.get("duplicate", 0)) for c in again.values()),
            }
            report["acceptance"]["rerun_imports_nothing"] = report["rerun"]["imported"] == 0
            report["acceptance"]["passed"] = all(v for k, v in report["acceptance"].items() if k != "passed")
    finally:
        stack.close()
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (out / "report.html").write_text(render_html(report))
    _summary(report, out)
    if json_out:
        print(json.dumps(report, ensure_ascii=False))
    raise typer.Exit(0 if report["acceptance"]["passed"] else 1)


def _summary(report: dict[str, Any], out: Path) -> None:
    for family, f in report["families"].items():
        console.print(f"  {family:<20} source {f['source']:>7}  target {f['target']:>7}  imported {f['imported']:>7}"
                      f"  duplicate {f['duplicate']:>7}  dead-lettered {f['dead_lettered']:>5}")
    if "rerun" in report:
        console.print(f"  rerun: imported {report['rerun']['imported']}, duplicate {report['rerun']['duplicate']}")
    verdict = "[green]PASSED[/]" if report["acceptance"]["passed"] else "[red]FAILED[/]"
    console.print(f"Acceptance {verdict}: {report['acceptance']}")
    console.print(f"Report: {out / 'report.json'} and {out / 'report.html'} ({report['duration_s']} s)")

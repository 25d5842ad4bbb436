"""The importer: one batch of canonical items in, idempotent portal writes out, the contract's answer back.

Per item: validate with the family's canonical model, compare the content fingerprint with the ledger (same →
duplicate, changed → update, new → create), check references against the ledger (missing → ``failed`` with
``missing_reference``). Creates are committed to the ledger as intents before the portal sees them; an intent
found without a target id on a later attempt is first looked up in the portal by external id, so a crash
between the portal write and the ledger commit never yields a second record.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from gateway.families.base import Call, ledger_key
from gateway.ledger import Ledger, LedgerRow
from gateway.locks import KeyLocks
from gateway.methods import MethodSpec
from gateway.result import SKIP_TEST_LIMIT, SKIP_UNCHANGED, ImportResult
from gateway.target import UNAVAILABLE, CallResult, TargetPortal, TargetUnavailable
from shared.models.base import CanonicalModel, content_checksum

OPTIONAL_FOLLOW_UPS = frozenset({"sonet_group.user.update"})
"""Follow-up methods whose absence on the portal loses a detail (a moderator role), not the record."""
log = logging.getLogger(__name__)


def fingerprint(item: CanonicalModel) -> str:
    """What "changed" means: the content and the declared ``checksum`` (either changing forces an update)."""
    return content_checksum({"content": item.model_dump(mode="json")})


def raw_source_id(raw: Any) -> str:
    """The ``sourceId`` of an item that failed validation, as far as it can be read."""
    if isinstance(raw, dict):
        value = raw.get("sourceId")
        if isinstance(value, str | int):
            return str(value)[:200]
    return ""


def describe(exc: ValidationError) -> str:
    """A short validation message naming fields, never echoing input values."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "item"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


@dataclass
class _Work:
    item: CanonicalModel
    key: str
    fp: str
    row: LedgerRow | None
    refs: dict[str, str]


class Importer:
    """Runs batches against one ledger and one portal; safe for concurrent batches."""

    def __init__(self, ledger: Ledger, portal: TargetPortal) -> None:
        self.ledger = ledger
        self.portal = portal
        self._locks = KeyLocks()

    async def run(self, spec: MethodSpec, raw_items: list[Any], test_limit: int | None = None) -> ImportResult:
        """Import one batch.

        Raises:
            TargetUnavailable: the portal failed in transport; whatever succeeded is committed, and a retry of
                the same batch completes the rest without duplicates.
        """
        result = ImportResult()
        head = raw_items if test_limit is None else raw_items[:test_limit]
        for raw in raw_items[len(head) :]:
            result.skip(raw_source_id(raw), SKIP_TEST_LIMIT)
        valid = self._validate(spec, head, result)
        if not valid:
            return result
        async with self._locks.hold(ledger_key(item.sourceId) for item in valid):
            for part in _dependency_rounds(spec, valid):
                work = self._classify(spec, part, result)
                await self._write(spec, work, result)
        return result

    def _validate(self, spec: MethodSpec, raws: list[Any], result: ImportResult) -> list[CanonicalModel]:
        model = spec.writer.MODEL
        seen: set[str] = set()
        valid: list[CanonicalModel] = []
        for raw in raws:
            try:
                item = model.model_validate(raw)
            except ValidationError as exc:
                result.fail(raw_source_id(raw), "validation_error", describe(exc))
                continue
            problem = spec.writer.check(item)
            if problem is not None:
                result.fail(item.sourceId, "validation_error", problem)
                continue
            if item.sourceId in seen:
                result.fail(item.sourceId, "duplicate_in_batch", "the same sourceId appears twice in this batch")
                continue
            seen.add(item.sourceId)
            valid.append(item)
        return valid

    def _classify(self, spec: MethodSpec, items: list[CanonicalModel], result: ImportResult) -> list[_Work]:
        rows = self.ledger.get_many([ledger_key(i.sourceId) for i in items])
        wanted = {sid for i in items for sid in spec.writer.references(i).values()}
        ref_rows = self.ledger.get_many([ledger_key(s) for s in wanted])
        work: list[_Work] = []
        for item in items:
            key = ledger_key(item.sourceId)
            fp = fingerprint(item)
            row = rows.get(key)
            if row is not None and not row.pending and row.checksum == fp:
                result.same(item.sourceId, row.target_id or "")
                continue
            refs: dict[str, str] = {}
            missing: list[str] = []
            for field_name, ref_sid in spec.writer.references(item).items():
                ref = ref_rows.get(ledger_key(ref_sid))
                if ref is None or ref.target_id is None:
                    missing.append(f"{field_name}={ref_sid}")
                else:
                    refs[ref_sid] = ref.target_id
            if missing:
                result.fail(item.sourceId, "missing_reference", "not imported yet: " + ", ".join(missing))
                continue
            work.append(_Work(item, key, fp, row, refs))
        return work

    async def _reconcile(self, spec: MethodSpec, pending: list[_Work]) -> dict[str, str]:
        """Target ids of pending intents that the portal already holds (found by external id)."""
        finds: list[tuple[_Work, Call]] = []
        for w in pending:
            call = spec.writer.find(w.item)
            if call is not None:
                finds.append((w, call))
        found: dict[str, str] = {}
        if not finds:
            return found
        answers = await self.portal.call_many([c for _, c in finds])
        for (w, _), answer in zip(finds, answers, strict=True):
            if answer.error == UNAVAILABLE:
                raise TargetUnavailable("portal unavailable while reconciling pending writes")
            target_id = spec.writer.found_id(answer.result, w.item) if answer.ok else None
            if target_id is not None:
                found[w.key] = target_id
        return found

    async def _write(self, spec: MethodSpec, work: list[_Work], result: ImportResult) -> None:
        writer = spec.writer
        found = await self._reconcile(spec, [w for w in work if w.row is not None and w.row.pending])
        creates: list[_Work] = []
        updates: list[tuple[_Work, str, Call]] = []
        # (work, target id, was it an update) of every portal write that succeeded
        done: list[tuple[_Work, str, bool]] = []
        commits: list[tuple[str, str, str, str]] = []
        for w in work:
            target_id = w.row.target_id if w.row is not None and not w.row.pending else found.get(w.key)
            if target_id is None:
                creates.append(w)
            elif w.row is not None and w.row.pending and w.row.checksum == w.fp:
                # the interrupted create did land, with exactly this content: finish it
                done.append((w, target_id, False))
            elif (call := writer.update(w.item, target_id, w.refs)) is None:
                commits.append((w.key, spec.family, target_id, w.row.checksum if w.row else w.fp))
                result.skip(w.item.sourceId, SKIP_UNCHANGED, target_id)
            else:
                updates.append((w, target_id, call))
        if creates:
            self.ledger.record_intents([(w.key, spec.family, w.fp) for w in creates])
        answers = await self.portal.call_many(
            [writer.add(w.item, w.refs) for w in creates] + [call for _, _, call in updates],
            batch=writer.BATCHABLE,
        )
        unavailable = False
        refused: list[tuple[_Work, CallResult]] = []
        for w, answer in zip(creates, answers[: len(creates)], strict=True):
            target_id = writer.created_id(answer.result) if answer.ok else None
            if answer.error == UNAVAILABLE:
                unavailable = True
            elif target_id is None:
                refused.append((w, answer))
            else:
                done.append((w, target_id, False))
        for w, answer, adopted in await self._adopt(spec, refused):
            if answer.error == UNAVAILABLE:
                unavailable = True
            elif adopted is None:
                result.fail(w.item.sourceId, "target_error", _reason(answer))
            else:
                done.append((w, adopted, True))
        for (w, target_id, _), answer in zip(updates, answers[len(creates) :], strict=True):
            if answer.error == UNAVAILABLE:
                unavailable = True
            elif not answer.ok:
                result.fail(w.item.sourceId, "target_error", _reason(answer))
            else:
                done.append((w, target_id, True))
        extras, follow_failed = await self._follow_ups(spec, done)
        for w, target_id, was_update in done:
            problem = follow_failed.get(w.key)
            if problem is not None:
                # the record exists but is incomplete: an empty checksum makes the next send an update
                commits.append((w.key, spec.family, target_id, ""))
                if problem.error == UNAVAILABLE:
                    unavailable = True
                else:
                    result.fail(w.item.sourceId, "target_error", "nested write failed: " + _reason(problem))
                continue
            commits.append((w.key, spec.family, target_id, w.fp))
            if was_update:
                result.changed(w.item.sourceId, target_id)
            else:
                result.created(w.item.sourceId, target_id)
        if commits:
            self.ledger.commit(commits, extras)
        if unavailable:
            raise TargetUnavailable("the portal failed part of the batch in transport; resend the batch")

    async def _adopt(
        self, spec: MethodSpec, refused: list[tuple[_Work, CallResult]]
    ) -> list[tuple[_Work, CallResult, str | None]]:
        """For refused creates, adopt a record the portal already holds by natural key (a user's e-mail, the
        plan's "upsert"), updating it so it carries the sourceId; ``None`` where nothing could be adopted."""
        writer = spec.writer
        lookups = [(w, a, call) for w, a in refused if (call := writer.adopt(w.item)) is not None]
        out: list[tuple[_Work, CallResult, str | None]] = [(w, a, None) for w, a in refused
                                                           if writer.adopt(w.item) is None]
        if not lookups:
            return out
        found = await self.portal.call_many([call for _, _, call in lookups])
        updates: list[tuple[_Work, CallResult, str, Call]] = []
        for (w, answer, _), hit in zip(lookups, found, strict=True):
            target_id = writer.adopted_id(hit.result, w.item) if hit.ok else None
            call = writer.update(w.item, target_id, w.refs) if target_id is not None else None
            if target_id is None or call is None:
                out.append((w, hit if hit.error == UNAVAILABLE else answer, None))
            else:
                updates.append((w, answer, target_id, call))
        written = await self.portal.call_many([call for *_, call in updates])
        for (w, answer, target_id, _), res in zip(updates, written, strict=True):
            out.append((w, answer if res.ok else res, target_id if res.ok else None))
        return out

    async def _follow_ups(
        self, spec: MethodSpec, done: list[tuple[_Work, str, bool]]
    ) -> tuple[dict[str, str], dict[str, CallResult]]:
        """Run nested writes (group members, new chat members); new ``extra`` states and first failures."""
        owners: list[str] = []
        calls: list[Call] = []
        extras: dict[str, str] = {}
        for w, target_id, _ in done:
            state = w.row.extra if w.row is not None else ""
            more, new_state = spec.writer.after(w.item, target_id, w.refs, state)
            extras[w.key] = new_state
            owners.extend([w.key] * len(more))
            calls.extend(more)
        failed: dict[str, CallResult] = {}
        if calls:
            for key, (method, _), answer in zip(owners, calls, await self.portal.call_many(calls), strict=True):
                if answer.ok or key in failed:
                    continue
                if method in OPTIONAL_FOLLOW_UPS and answer.error.upper() == "ERROR_METHOD_NOT_FOUND":
                    # a portal without this method cannot keep that detail (docs/limitations.md)
                    log.warning("%s is not available on the target portal; detail not preserved", method)
                    continue
                failed[key] = answer
        return {k: v for k, v in extras.items() if k not in failed and v}, failed


def _dependency_rounds(spec: MethodSpec, items: list[CanonicalModel]) -> list[list[CanonicalModel]]:
    """Items in rounds so a record referencing another record of the same batch (a subtask and its parent)
    is written after it; a cycle ends in one last round where the reference check reports it."""
    rounds: list[list[CanonicalModel]] = []
    left = items
    while left:
        in_batch = {i.sourceId for i in left}
        ready = [i for i in left if not (set(spec.writer.references(i).values()) - {i.sourceId}) & in_batch]
        if not ready or len(ready) == len(left):
            rounds.append(left)
            break
        rounds.append(ready)
        left = [i for i in left if i not in ready]
    return rounds


def _reason(answer: CallResult) -> str:
    text = f"{answer.error}: {answer.description}" if answer.description else answer.error
    return text or "the portal returned no id"


def dumps(body: dict[str, Any]) -> str:
    """Compact JSON for responses and the batch-replay store."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))

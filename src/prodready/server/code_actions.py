"""The code-action handlers: quick fixes, "ignore for this line", fix-all, and lazy resolve.

Per finding in the requested range: one action per fix (safe ones preferred, unsafe ones
labelled), and "Ignore PRxxx for this line"; per document ``source.fixAll.prodready`` (safe
fixes). Clients that resolve ``edit`` lazily get the edits in ``codeAction/resolve``; for the
others they are computed for the range asked about. The edits come from `fixes`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from lsprotocol import types

from prodready.core.findings import Applicability, Finding
from prodready.server import convert

if TYPE_CHECKING:
    from prodready.server.server import ProdreadServer

FIX_ALL_KIND = "source.fixAll.prodready"


def register(server: "ProdreadServer") -> None:
    """Attach the code-action and resolve handlers to ``server``."""

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND],
        resolve_provider=True))
    async def code_action(ls: ProdreadServer, params: types.CodeActionParams):
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or not ls.enabled:
            return None
        await ls.current(doc)
        if not ls.is_current(doc):
            return None
        snap = ls.snapshot(doc)
        only = params.context.only
        lo, hi = convert.offsets(snap.source, params.range, ls.encoding)
        diag_by_key = {}
        for d in doc.diagnostics:
            if isinstance(d.data, dict):
                diag_by_key[(d.data.get("code"), d.data.get("start"), d.data.get("end"))] = d
        actions: list[types.CodeAction] = []
        unresolved: list[tuple[types.CodeAction, Finding, int]] = []
        if _kind_wanted(types.CodeActionKind.QuickFix.value, only):
            for finding in snap.findings:
                if not _overlaps(finding, lo, hi):
                    continue
                diag = diag_by_key.get((finding.code, finding.start, finding.end))
                diags = [diag] if diag is not None else None
                base = {"uri": snap.uri, "version": snap.version, "code": finding.code,
                        "start": finding.start, "end": finding.end}
                for index, offer in enumerate(finding.fixes):
                    action = types.CodeAction(
                        title=convert.fix_title(offer.title, offer.applicability),
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=diags,
                        is_preferred=offer.applicability is Applicability.SAFE or None,
                        data={**base, "action": "fix", "index": index},
                    )
                    actions.append(action)
                    if not ls.resolve_edit:
                        unresolved.append((action, finding, index))
                ignore = ls.ignore_edit(snap, finding)
                if ignore is not None:
                    actions.append(types.CodeAction(
                        title=f"Ignore {finding.code} for this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=diags,
                        edit=ignore,
                        data={**base, "action": "ignore"},
                    ))
        requested_fix_all = only is not None and _kind_wanted(FIX_ALL_KIND, only)
        in_range = any(_overlaps(f, lo, hi) and f.safe_fix for f in snap.findings)
        if (requested_fix_all or (only is None and in_range)) and any(f.safe_fix for f in snap.findings):
            action = types.CodeAction(
                title="prodready: apply all safe fixes",
                kind=FIX_ALL_KIND,
                data={"uri": snap.uri, "version": snap.version, "action": "fixAll"},
            )
            if not ls.resolve_edit:
                action.edit = await ls.off_loop(ls.fix_all_edit, snap)
            if ls.resolve_edit or action.edit is not None:
                actions.append(action)
        if unresolved:
            # The client cannot resolve: compute the edits now (only for the range asked about).
            edits = await ls.off_loop(ls.fix_edits, snap, [(f, i) for _a, f, i in unresolved])
            failed = set()
            for (action, _f, _i), edit in zip(unresolved, edits):
                action.edit = edit
                if edit is None:
                    failed.add(id(action))
            actions = [a for a in actions if id(a) not in failed]
        return actions or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: ProdreadServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        doc = ls.documents.get(data.get("uri", ""))
        if doc is None or action.edit is not None:
            return action
        await ls.current(doc)
        if data.get("version") != doc.version or not ls.is_current(doc):
            return action  # the document changed since: nothing to apply safely
        snap = ls.snapshot(doc)
        kind = data.get("action")
        if kind == "fixAll":
            action.edit = await ls.off_loop(ls.fix_all_edit, snap)
            return action
        finding = ls.find(snap, data)
        if finding is None:
            return action
        if kind == "fix":
            action.edit = await ls.off_loop(ls.fix_edit, snap, finding, int(data.get("index", 0)))
        elif kind == "ignore":
            action.edit = ls.ignore_edit(snap, finding)
        return action



def _kind_wanted(kind: str, only: Optional[list]) -> bool:
    if only is None:
        return True
    for requested in only:
        requested = str(requested.value if hasattr(requested, "value") else requested)
        if requested == "" or kind == requested or kind.startswith(requested + "."):
            return True
    return False


def _overlaps(finding: Finding, lo: int, hi: int) -> bool:
    return finding.start <= hi and finding.end >= lo



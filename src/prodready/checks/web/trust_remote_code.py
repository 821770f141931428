"""PR407 `trust-remote-code`: `trust_remote_code=True` runs Python code downloaded from the model repository."""

from __future__ import annotations

import ast
import re

from prodready.core.astutil import is_true, keyword_value
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule

_COMMIT = re.compile(r"^[0-9a-f]{40}$")


class TrustRemoteCode(Rule):
    code = "PR407"
    preview = True
    production_only = True  # quiet on tests and tooling: core/production.py
    name = "trust-remote-code"
    severity = Severity.WARNING
    summary = "`trust_remote_code=True` runs Python code downloaded from the model repository"
    docs = """
    ## What it does
    Finds `trust_remote_code=True` in Hugging Face loaders: `AutoModel*.from_pretrained`,
    `AutoTokenizer.from_pretrained`, `pipeline(...)`, `datasets.load_dataset(...)`,
    `SentenceTransformer(...)` and any other call taking that argument. When `revision=` pins
    a full commit hash the finding is information (the code that runs is fixed and
    reviewable). Not reported after an explicit opt-in check earlier in the same function
    (a call such as `_check_model_code_loading_allowed(...)`, `ensure_trusted(...)`: the
    operator enabled custom code on purpose).

    ## Why is this bad?
    The loader imports and executes `modeling_*.py`/dataset scripts from the Hub repository
    at load time, with the server's permissions. Without a pinned revision, whoever controls
    the repository (or a compromised account) controls code that runs in production on the
    next restart.

    ## Example
    ```python
    model = AutoModel.from_pretrained("org/model", trust_remote_code=True)
    ```

    ## Use instead
    ```python
    model = AutoModel.from_pretrained("org/model")  # architectures built into transformers
    # or, after reviewing the repository's code at that commit:
    model = AutoModel.from_pretrained("org/model", trust_remote_code=True, revision="<commit sha>")
    ```

    ## References
    - [transformers: trust_remote_code](https://huggingface.co/docs/transformers/models#custom-models)
    - [Hugging Face Hub: security](https://huggingface.co/docs/hub/security)
    """
    invalid = [
        "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"org/model\", trust_remote_code=True)\n",
        "from transformers import pipeline\npipe = pipeline(\"text-generation\", model=\"org/model\", trust_remote_code=True)\n",
        "from datasets import load_dataset\nds = load_dataset(\"org/data\", trust_remote_code=True)\n",
        "from sentence_transformers import SentenceTransformer\nm = SentenceTransformer(\"org/embed\", trust_remote_code=True)\n",
        "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"org/model\", trust_remote_code=True, revision=\"0123456789abcdef0123456789abcdef01234567\")\n",
    ]
    valid = [
        "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"org/model\")\n",
        "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"org/model\", trust_remote_code=False)\n",
        "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(name, trust_remote_code=settings.TRUST_REMOTE_CODE)\n",
        Example("from transformers import AutoConfig\n\ndef load_class(path):\n    _check_model_code_loading_allowed('a custom architecture')\n    return AutoConfig.from_pretrained(path, trust_remote_code=True)\n",
                note="after an explicit opt-in check (mlflow)"),
    ]

    def visit_keyword(self, node: ast.keyword, ctx) -> None:
        if node.arg != "trust_remote_code" or not is_true(node.value):  # tests/tooling: production_only
            return
        call = ctx.parent
        if _opt_in_checked(node, ctx):
            return
        revision = keyword_value(call, "revision") if isinstance(call, ast.Call) else None
        if isinstance(revision, ast.Constant) and isinstance(revision.value, str) and _COMMIT.match(revision.value):
            self.report(node, "Review the repository's code at the pinned commit: `trust_remote_code=True` runs it "
                              "on this server", severity=Severity.INFORMATION)
            return
        self.report(node, "Drop `trust_remote_code=True`, or pin `revision=` to a reviewed commit: it runs Python "
                          "code from the model repository on this server")


_OPT_IN_WORDS = ("allow", "trust", "consent", "confirm")


def _opt_in_checked(node: ast.AST, ctx) -> bool:
    """``_check_model_code_loading_allowed(...)`` earlier in the function: the operator opted in
    (mlflow refuses to load custom model code unless it is enabled)."""
    frame = ctx.current_function
    if frame is None:
        return False
    for sub in ast.walk(frame.node):  # only runs for `trust_remote_code=True`, which is rare
        if isinstance(sub, ast.Call) and sub.lineno < node.lineno:
            last = (sub.func.attr if isinstance(sub.func, ast.Attribute) else getattr(sub.func, "id", "")).lower()
            if any(word in last for word in _OPT_IN_WORDS) and last not in ("from_pretrained", "pipeline"):
                return True
    return False

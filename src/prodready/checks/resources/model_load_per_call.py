"""PR501 `model-load-per-call`: An ML model is loaded inside a request handler or task, on every call.

The rule's metadata, docs, examples, visitor and fix builders live together here."""

from __future__ import annotations

import ast
from typing import Optional

from prodready.checks.resources._shared import (
    callee_last, handler_label, in_cached_function, per_call_fixes, short, stored_once,
)
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule


_MODEL_LOADERS = {
    "whisper.load_model", "faster_whisper.WhisperModel",
    "transformers.pipeline", "transformers.pipelines.pipeline",
    "sentence_transformers.SentenceTransformer", "sentence_transformers.CrossEncoder",
    "spacy.load", "torch.load", "torch.jit.load", "torch.hub.load", "joblib.load",
    "tensorflow.keras.models.load_model", "keras.models.load_model", "keras.saving.load_model",
    "tensorflow.saved_model.load", "fasttext.load_model", "onnxruntime.InferenceSession",
    "ultralytics.YOLO", "easyocr.Reader", "stanza.Pipeline", "gensim.models.KeyedVectors.load",
}
_PICKLE_LOADS = {"pickle.load", "cloudpickle.load", "dill.load", "_pickle.load"}
_MODEL_LAST = {q.rsplit(".", 1)[-1] for q in _MODEL_LOADERS} | {"from_pretrained", "load"}
_MODEL_FILE_HINTS = ("model", ".pkl", ".joblib")


def _mentions_model_file(expr: Optional[ast.AST]) -> bool:
    if expr is None:
        return False
    for node in ast.walk(expr):
        words: list[str] = []
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words.append(node.value)
        elif isinstance(node, ast.Name):
            words.append(node.id)
        elif isinstance(node, ast.Attribute):
            words.append(node.attr)
        for word in words:
            lower = word.lower()
            if any(hint in lower for hint in _MODEL_FILE_HINTS):
                return True
    return False


def _pickle_of_model_file(ctx, call: ast.Call) -> bool:
    if not call.args:
        return False
    arg = call.args[0]
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "open":
        return _mentions_model_file(arg.args[0] if arg.args else None)
    if isinstance(arg, ast.Name):
        for node in reversed(ctx.parents):
            if isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == arg.id:
                        return _mentions_model_file(item.context_expr)
        return _mentions_model_file(arg)
    return False


class ModelLoadPerCall(Rule):
    code = "PR501"
    name = "model-load-per-call"
    severity = Severity.WARNING
    summary = "An ML model is loaded inside a request handler or task, on every call"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds expensive model loads inside request handlers (Flask/FastAPI/Starlette routes,
    Socket.IO events, Django/DRF views, Celery tasks): `whisper.load_model`,
    `*.from_pretrained` (transformers, diffusers, ...), `transformers.pipeline`,
    `SentenceTransformer(...)`, `spacy.load`, `torch.load`, `joblib.load`,
    `keras.models.load_model`, and `pickle.load` of a model file (the path mentions
    `model`, `.pkl` or `.joblib`).

    It stays quiet when the load is already cached: inside a `functools.cache` /
    `lru_cache` getter, or under a lazy-init guard that stores the model beyond the call
    (`if _model is None: _model = load(...)` with `global _model`, `app.state.model`,
    `MODELS[name]`).

    ## Why is this bad?
    Loading a model reads hundreds of megabytes from disk (or downloads them) and
    initialises weights: seconds of latency and a spike of memory on **every** request.
    Under load, concurrent requests each hold their own copy and the worker runs out of
    memory.

    ## Example
    ```python
    import whisper
    from flask import Flask

    app = Flask(__name__)

    @app.post("/transcribe")
    def transcribe():
        model = whisper.load_model("base")
        return model.transcribe("audio.mp3")["text"]
    ```

    ## Use instead
    ```python
    import functools

    import whisper
    from flask import Flask

    app = Flask(__name__)

    @functools.lru_cache(maxsize=1)
    def get_model():
        return whisper.load_model("base")

    @app.post("/transcribe")
    def transcribe():
        model = get_model()
        return model.transcribe("audio.mp3")["text"]
    ```

    ## Fix safety
    The fix is unsafe: it moves the load into a module-level `@functools.lru_cache(maxsize=1)`
    getter placed before the handler and calls the getter instead, so the model is loaded
    once per process and shared by every request (and thread). That is the intent, but a
    model that is mutated per request, or loaded from a path that changes at run time,
    behaves differently. The fix is offered only when the load's arguments are constants
    or module-level names, never handler locals or parameters.

    ## References
    - [FastAPI: lifespan events (load ML models once)](https://fastapi.tiangolo.com/advanced/events/)
    - [functools.lru_cache](https://docs.python.org/3/library/functools.html#functools.lru_cache)
    """
    invalid = [
        'import whisper\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post("/transcribe")\ndef transcribe():\n    model = whisper.load_model("base")\n    return model.transcribe("audio.mp3")["text"]\n',
        'from fastapi import FastAPI\nfrom transformers import AutoModel\n\napp = FastAPI()\n\n\n@app.get("/embed")\ndef embed():\n    model = AutoModel.from_pretrained("bert-base-uncased")\n    return {}\n',
        'from fastapi import APIRouter\nfrom transformers import pipeline\n\nrouter = APIRouter()\n\n\n@router.post("/sentiment")\nasync def sentiment(text: str):\n    clf = pipeline("sentiment-analysis")\n    return clf(text)\n',
        'from celery import shared_task\nfrom sentence_transformers import SentenceTransformer\n\n\n@shared_task\ndef index(doc_id):\n    encoder = SentenceTransformer("all-MiniLM-L6-v2")\n    return encoder.encode([doc_id])\n',
        'import spacy\nfrom django.http import JsonResponse\nfrom rest_framework.views import APIView\n\n\nclass Entities(APIView):\n    def post(self, request):\n        nlp = spacy.load("en_core_web_sm")\n        return JsonResponse({"ents": [e.text for e in nlp(request.data["t"]).ents]})\n',
        'import torch\nfrom flask import Flask\n\napp = Flask(__name__)\nMODEL_PATH = "weights.pt"\n\n\n@app.route("/predict")\ndef predict():\n    net = torch.load(MODEL_PATH)\n    return str(net)\n',
        'import joblib\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/score")\ndef score():\n    return str(joblib.load("clf.joblib").predict([[1]]))\n',
        'import pickle\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/score")\ndef score():\n    with open("model.pkl", "rb") as f:\n        clf = pickle.load(f)\n    return str(clf)\n',
        'import tensorflow as tf\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/p")\ndef p():\n    m = tf.keras.models.load_model("m.keras")\n    return str(m)\n',
        'from transformers import AutoTokenizer\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.post("/tok")\ndef tok(name: str):\n    t = AutoTokenizer.from_pretrained(name)\n    return t("x")\n',
        'import whisper\nimport socketio\n\nsio = socketio.Server()\n\n\n@sio.event\ndef audio(sid, data):\n    model = whisper.load_model("tiny")\n    return model\n',
    ]
    valid = [
        Example('import functools\nimport whisper\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@functools.lru_cache(maxsize=1)\ndef get_model():\n    return whisper.load_model("base")\n\n\n@app.post("/t")\ndef t():\n    return get_model().transcribe("a.mp3")\n', note="a cached getter"),
        Example('import whisper\nfrom flask import Flask\n\napp = Flask(__name__)\n_model = None\n\n\n@app.post("/t")\ndef t():\n    global _model\n    if _model is None:\n        _model = whisper.load_model("base")\n    return _model.transcribe("a.mp3")\n', note="a lazy-init guard on a global"),
        Example('import whisper\nfrom fastapi import FastAPI, Request\n\napp = FastAPI()\n\n\n@app.post("/t")\ndef t(request: Request):\n    if not hasattr(request.app.state, "model"):\n        request.app.state.model = whisper.load_model("base")\n    return {}\n', note="stored on app.state once"),
        Example('import whisper\nfrom fastapi import FastAPI\n\napp = FastAPI()\nmodel = whisper.load_model("base")\n\n\n@app.post("/t")\ndef t():\n    return model.transcribe("a.mp3")\n', note="loaded once at import time"),
        Example('import whisper\n\n\ndef load():\n    return whisper.load_model("base")\n', note="not a handler"),
        Example('import pickle\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/s")\ndef s():\n    with open("session.dat", "rb") as f:\n        return str(pickle.load(f))\n', note="pickle.load of a file that is not a model"),
        Example('import whisper\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.on_event("startup")\ndef startup():\n    app.state.model = whisper.load_model("base")\n', note="startup hook, not a handler"),
        Example('import torch\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/p")\ndef p():\n    return str(torch.load)\n', note="a reference, not a call"),
    ]
    unsafe_fixed = {
        invalid[0]: 'import whisper\nfrom flask import Flask\nimport functools\n\napp = Flask(__name__)\n\n\n@functools.lru_cache(maxsize=1)\ndef get_model():\n    return whisper.load_model("base")\n\n\n@app.post("/transcribe")\ndef transcribe():\n    model = get_model()\n    return model.transcribe("audio.mp3")["text"]\n',
        invalid[4]: 'import spacy\nfrom django.http import JsonResponse\nfrom rest_framework.views import APIView\nimport functools\n\n\n@functools.lru_cache(maxsize=1)\ndef get_nlp():\n    return spacy.load("en_core_web_sm")\n\n\nclass Entities(APIView):\n    def post(self, request):\n        nlp = get_nlp()\n        return JsonResponse({"ents": [e.text for e in nlp(request.data["t"]).ents]})\n',
        invalid[5]: 'import torch\nfrom flask import Flask\nimport functools\n\napp = Flask(__name__)\nMODEL_PATH = "weights.pt"\n\n\n@functools.lru_cache(maxsize=1)\ndef get_net():\n    return torch.load(MODEL_PATH)\n\n\n@app.route("/predict")\ndef predict():\n    net = get_net()\n    return str(net)\n',
        invalid[6]: 'import joblib\nfrom flask import Flask\nimport functools\n\napp = Flask(__name__)\n\n\n@functools.lru_cache(maxsize=1)\ndef get_joblib_load():\n    return joblib.load("clf.joblib")\n\n\n@app.route("/score")\ndef score():\n    return str(get_joblib_load().predict([[1]]))\n',
    }

    def visit_Call(self, node: ast.Call, ctx) -> None:
        last = callee_last(node)
        if last is None or (last not in _MODEL_LAST and isinstance(node.func, ast.Attribute)):
            return
        handler = ctx.handler
        if handler is None or ctx.file.is_test:
            return
        qualified = ctx.call_name(node) or ""
        if last == "from_pretrained" and isinstance(node.func, ast.Attribute):
            shown = f"{short(qualified) if qualified else last}"
            if not qualified.endswith("from_pretrained"):
                shown = "from_pretrained"
        elif qualified in _MODEL_LOADERS:
            shown = short(qualified)
        elif qualified in _PICKLE_LOADS and _pickle_of_model_file(ctx, node):
            shown = short(qualified)
        else:
            return
        if in_cached_function(ctx) or stored_once(ctx, node):
            return
        fixes = per_call_fixes(ctx, self, node, qualified, "model")
        self.report(
            node,
            f"Load the model once (an `lru_cache` getter or startup code) instead of calling "
            f"`{shown}(...)` on every call of `{handler_label(handler)}`",
            fixes=fixes,
        )

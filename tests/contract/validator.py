"""Validate raw ECS JSON responses against the newest botocore ECS model available.

The model is looked up in the botocore installations of every Python interpreter we
can find (the one running this code, ``/usr/bin/python3`` and ``python3`` on PATH);
the one with the highest botocore version wins.  ``ECS_CONTRACT_MODEL`` (path to a
``service-2.json`` or ``service-2.json.gz``) overrides the search.

Public API:
    validate_output(operation, body) -> list[str]       problems in a 2xx body
    validate_error(operation, status, body, headers) -> list[str]
    parse_body(raw_bytes) -> (obj, problems)            strict JSON parse (dup keys)
    check_operations(names) -> list[str]                 names missing from the model
    model_operations() -> list[str]
    model_info() -> dict(version=..., path=..., operations=N)
"""
from __future__ import annotations

import functools
import gzip
import json
import math
import os
import shutil
import subprocess
import sys

ECS_DATA_REL = os.path.join("data", "ecs", "2014-11-13")

# Errors produced by the request-handling framework rather than the ECS model.
FRAMEWORK_ERRORS = {
    "SerializationException",
    "UnknownOperationException",
    "ThrottlingException",
    "InternalFailure",
    "ServiceUnavailable",
    # Authentication (ecs-emulator --verify-signatures); AWS's front door sends them for every
    # service.
    "MissingAuthenticationTokenException",
    "IncompleteSignatureException",
    "UnrecognizedClientException",
    "InvalidSignatureException",
}

_PROBE = (
    "import botocore, os, sys\n"
    "print(botocore.__version__)\n"
    "print(os.path.dirname(botocore.__file__))\n"
)


def _version_tuple(v: str):
    out = []
    for part in v.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        out.append(int(digits) if digits else 0)
    return tuple(out)


def _model_file(botocore_dir: str):
    for name in ("service-2.json", "service-2.json.gz"):
        p = os.path.join(botocore_dir, ECS_DATA_REL, name)
        if os.path.isfile(p):
            return p
    return None


def _interpreters():
    seen = []
    cands = [sys.executable, "/usr/bin/python3", shutil.which("python3"), shutil.which("python")]
    for extra in os.environ.get("ECS_CONTRACT_PYTHONS", "").split(os.pathsep):
        if extra:
            cands.append(extra)
    for c in cands:
        if c and c not in seen and os.path.exists(c):
            seen.append(c)
    return seen


@functools.lru_cache(maxsize=1)
def discover_models():
    """Return [(version_tuple, version_str, model_path)] for every botocore found."""
    found = {}
    # The running interpreter first, without a subprocess.
    try:
        import botocore  # noqa: WPS433

        p = _model_file(os.path.dirname(botocore.__file__))
        if p:
            found[p] = botocore.__version__
    except Exception:  # pragma: no cover - botocore missing
        pass
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    for interp in _interpreters():
        try:
            out = subprocess.run(
                [interp, "-c", _PROBE], capture_output=True, text=True, timeout=30, env=env
            )
        except Exception:
            continue
        if out.returncode != 0:
            continue
        lines = out.stdout.strip().splitlines()
        if len(lines) < 2:
            continue
        p = _model_file(lines[1].strip())
        if p and p not in found:
            found[p] = lines[0].strip()
    res = [(_version_tuple(v), v, p) for p, v in found.items()]
    res.sort(reverse=True)
    return res


@functools.lru_cache(maxsize=1)
def _load():
    override = os.environ.get("ECS_CONTRACT_MODEL")
    if override:
        path, version = override, "override"
    else:
        models = discover_models()
        if not models:
            raise RuntimeError("no botocore ECS service-2.json found in any interpreter")
        _, version, path = models[0]
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        model = json.load(fh)
    return model, version, path


def model():
    return _load()[0]


def model_info():
    m, version, path = _load()
    return {"version": version, "path": path, "operations": len(m["operations"])}


def model_operations():
    return sorted(model()["operations"])


def check_operations(names):
    """Return the names that are not operations of the model (empty list = all fine)."""
    ops = model()["operations"]
    return [n for n in names if n not in ops]


# --------------------------------------------------------------------------- parsing

class _DupKeys(dict):
    pass


def parse_body(raw):
    """Strict JSON parse of a response body. Returns (obj, problems)."""
    problems = []
    if isinstance(raw, (bytes, bytearray)):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            return None, [f"body is not UTF-8: {e}"]
    else:
        text = raw

    def hook(pairs):
        d = {}
        for k, v in pairs:
            if k in d:
                problems.append(f"duplicate JSON key {k!r}")
            d[k] = v
        return d

    def bad_const(c):
        problems.append(f"non-standard JSON constant {c}")
        return float("nan")

    try:
        obj = json.loads(text, object_pairs_hook=hook, parse_constant=bad_const)
    except ValueError as e:
        return None, [f"body is not valid JSON: {e}: {text[:200]!r}"]
    return obj, problems


# --------------------------------------------------------------------------- validation

_JSON_TYPE = {
    dict: "object", list: "array", str: "string", bool: "boolean", int: "integer",
    float: "number", type(None): "null",
}


def _jt(v):
    return _JSON_TYPE.get(type(v), type(v).__name__)


def _validate(shapes, shape_name, value, path, problems, depth=0):
    if depth > 64:
        problems.append(f"{path}: nesting too deep")
        return
    shape = shapes[shape_name]
    t = shape["type"]
    where = path or "<body>"
    if value is None:
        problems.append(f"{where}: null value (members without a value must be omitted)")
        return
    if t == "structure":
        if shape.get("document"):
            return
        if not isinstance(value, dict):
            problems.append(f"{where}: expected object ({shape_name}), got {_jt(value)} {value!r:.80}")
            return
        members = shape.get("members", {})
        for k, v in value.items():
            if k not in members:
                problems.append(f"{where}: unknown member {k!r} for {shape_name}")
                continue
            _validate(shapes, members[k]["shape"], v, f"{path}.{k}" if path else k, problems, depth + 1)
        for r in shape.get("required", []):
            if r not in value:
                problems.append(f"{where}: missing required member {r!r} of {shape_name}")
    elif t == "list":
        if not isinstance(value, list):
            problems.append(f"{where}: expected array ({shape_name}), got {_jt(value)} {value!r:.80}")
            return
        for i, item in enumerate(value):
            _validate(shapes, shape["member"]["shape"], item, f"{path}[{i}]", problems, depth + 1)
    elif t == "map":
        if not isinstance(value, dict):
            problems.append(f"{where}: expected object/map ({shape_name}), got {_jt(value)} {value!r:.80}")
            return
        for k, v in value.items():
            _validate(shapes, shape["key"]["shape"], k, f"{path}{{key {k!r}}}", problems, depth + 1)
            _validate(shapes, shape["value"]["shape"], v, f"{path}[{k!r}]", problems, depth + 1)
    elif t == "string":
        if not isinstance(value, str):
            problems.append(f"{where}: expected string ({shape_name}), got {_jt(value)} {value!r:.80}")
            return
        enum = shape.get("enum")
        if enum is not None and value not in enum:
            problems.append(f"{where}: {value!r} is not a value of enum {shape_name} {enum}")
    elif t in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where}: expected JSON integer ({shape_name}/{t}), got {_jt(value)} {value!r:.80}")
            return
        lo, hi = (-(2**31), 2**31 - 1) if t == "integer" else (-(2**63), 2**63 - 1)
        if not lo <= value <= hi:
            problems.append(f"{where}: {value} out of {t} range")
    elif t in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{where}: expected number ({shape_name}/{t}), got {_jt(value)} {value!r:.80}")
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append(f"{where}: non-finite number")
    elif t == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{where}: expected boolean ({shape_name}), got {_jt(value)} {value!r:.80}")
    elif t == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(
                f"{where}: expected timestamp as epoch-seconds number ({shape_name}), got {_jt(value)} {value!r:.80}"
            )
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append(f"{where}: non-finite timestamp")
        elif not 0 <= value < 32503680000:  # year 3000
            problems.append(f"{where}: implausible epoch-seconds timestamp {value!r}")
    elif t == "blob":
        if not isinstance(value, str):
            problems.append(f"{where}: expected base64 string ({shape_name}), got {_jt(value)}")
    else:  # pragma: no cover - unknown model type
        problems.append(f"{where}: unsupported model type {t}")


def validate_output(operation, body):
    """Problems of a successful response body (already-parsed JSON) for `operation`."""
    m = model()
    op = m["operations"].get(operation)
    if op is None:
        return [f"{operation}: not an operation of the ECS model"]
    if "output" not in op:
        if body in (None, {}):
            return []
        return [f"{operation}: operation has no output shape but body is {body!r:.200}"]
    if body is None:
        body = {}
    problems = []
    _validate(m["shapes"], op["output"]["shape"], body, "", problems)
    return [f"{operation}: {p}" for p in problems]


def sanitize_error_code(code):
    code = code.split(":")[0]
    return code.rsplit("#", 1)[-1]


def validate_error(operation, status, body, headers=None):
    """Problems of an error response: envelope, code known to the model/framework,
    code listed for the operation, HTTP status, exception members."""
    m = model()
    problems = []
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if not isinstance(body, dict):
        return [f"{operation}: error body is not a JSON object: {body!r:.200}"]
    raw_type = body.get("__type")
    if not isinstance(raw_type, str) or not raw_type:
        return [f"{operation}: error body has no string __type: {body!r:.200}"]
    code = sanitize_error_code(raw_type)
    for k in ("code", "Code"):
        if k in body and body[k] != code:
            problems.append(f"{operation}: body member {k!r}={body[k]!r} contradicts __type {code!r}")
    hdr = headers.get("x-amzn-errortype")
    if hdr is not None and sanitize_error_code(hdr.split(",")[0]) != code:
        problems.append(f"{operation}: x-amzn-ErrorType {hdr!r} differs from __type {raw_type!r}")
    msg = body.get("message", body.get("Message"))
    if msg is not None and not isinstance(msg, str):
        problems.append(f"{operation}: error message is not a string: {msg!r}")
    shape = m["shapes"].get(code)
    if shape is not None and shape.get("exception"):
        expected_status = 500 if shape.get("fault") else 400
        if status != expected_status:
            problems.append(f"{operation}: {code} answered with HTTP {status}, model implies {expected_status}")
        op = m["operations"].get(operation)
        if op is not None:
            allowed = {e["shape"] for e in op.get("errors", [])}
            if code not in allowed:
                problems.append(f"{operation}: {code} is not in the operation's modeled errors {sorted(allowed)}")
        members = shape.get("members", {})
        for k, v in body.items():
            if k in ("__type", "Message", "message"):
                continue
            if k not in members:
                problems.append(f"{operation}: unknown member {k!r} in {code}")
                continue
            sub = []
            _validate(m["shapes"], members[k]["shape"], v, k, sub)
            problems.extend(f"{operation}: {code}: {p}" for p in sub)
    elif code in FRAMEWORK_ERRORS:
        if status >= 500 and code not in ("InternalFailure", "ServiceUnavailable"):
            problems.append(f"{operation}: framework error {code} with HTTP {status}")
    else:
        problems.append(f"{operation}: error code {code!r} is neither an ECS model exception nor a framework error")
    if status < 400:
        problems.append(f"{operation}: error body with HTTP status {status}")
    return problems


def validate_response(operation, status, raw_body, headers=None):
    """Validate a raw HTTP response (bytes). Returns list of problems."""
    headers = headers or {}
    problems = []
    ctype = {k.lower(): v for k, v in headers.items()}.get("content-type")
    if ctype is not None and ctype.split(";")[0].strip() != "application/x-amz-json-1.1":
        problems.append(f"{operation}: Content-Type {ctype!r} is not application/x-amz-json-1.1")
    if status == 200:
        if raw_body in (b"", ""):
            body, perr = {}, []
        else:
            body, perr = parse_body(raw_body)
        problems.extend(f"{operation}: {p}" for p in perr)
        if body is not None:
            problems.extend(validate_output(operation, body))
    else:
        body, perr = parse_body(raw_body)
        problems.extend(f"{operation}: {p}" for p in perr)
        if body is not None:
            problems.extend(validate_error(operation, status, body, headers))
    return problems


if __name__ == "__main__":  # pragma: no cover - manual inspection
    print(json.dumps(model_info()))
    for v in discover_models():
        print(v[1], v[2])

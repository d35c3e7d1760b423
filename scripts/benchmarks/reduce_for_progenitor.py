#!/usr/bin/env python3
"""Reduces an OpenAPI description to the operations progenitor accepts.

usage: reduce_for_progenitor.py --progenitor BIN SPEC OUT.json [--report OUT-report.json]

progenitor rejects a whole document when one operation is outside what it
supports (no operationId, several success or error types, some bodies), and
often says so with a panic that does not name the operation. So:

1. operations without an operationId, or repeating one, are dropped by rule;
2. the document is run through `cargo-progenitor`; if it fails, the failing
   operations are found by bisection (a half that generates alone is kept;
   an operation that fails alone is dropped with the message it fails with;
   operations that fail only together are dropped one at a time);
3. this repeats until the remainder generates as a whole.

Every component is kept: both generators get the same reduced input. The
dropped operations, with the reason, go to the report and to stdout.
"""

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def load(path):
    with open(path) as f:
        text = f.read()
    if text.lstrip().startswith("{"):
        return json.loads(text)
    try:
        import yaml
    except ImportError:
        sys.exit("reduce_for_progenitor: reading YAML needs PyYAML (python3 -m pip install pyyaml)")
    return yaml.safe_load(text)


def operations(doc):
    """(path, method, operation) in document order."""
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            if isinstance(item.get(method), dict):
                yield path, method, item[method]


def label(path, method, op):
    return op.get("operationId") or f"{method.upper()} {path}"


def subset(doc, keep):
    """A copy of `doc` with only the operations whose key is in `keep`."""
    out = copy.copy(doc)
    paths = {}
    for path, item in (doc.get("paths") or {}).items():
        new_item = {k: v for k, v in item.items() if k not in METHODS or (path, k) in keep}
        if any(m in new_item for m in METHODS):
            paths[path] = new_item
    out["paths"] = paths
    return out


class Prober:
    def __init__(self, progenitor, work):
        self.progenitor = progenitor
        self.work = work
        self.runs = 0

    def probe(self, doc):
        """(ok, one-line reason) for a progenitor run on `doc`."""
        self.runs += 1
        spec = os.path.join(self.work, "probe.json")
        out = os.path.join(self.work, "probe-out")
        shutil.rmtree(out, ignore_errors=True)
        with open(spec, "w") as f:
            json.dump(doc, f)
        proc = subprocess.run(
            [self.progenitor, "progenitor", "-i", spec, "-o", out, "-n", "probe", "-v", "0.0.0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode == 0:
            return True, ""
        return False, reason(proc.stdout + "\n" + proc.stderr)


def reason(output):
    """The most telling line of a failed progenitor run (a panic message
    that ends with a colon goes on with the value it is about)."""
    for pattern in (r"panicked at [^\n]*\n((?:[^\n]+\n?){1,4})", r"gen fail: ([^\n]+)", r"Error: ([^\n]+)"):
        m = re.search(pattern, output)
        if m:
            lines = m.group(1).strip().splitlines()
            text = lines[0].strip()
            if text.endswith(":"):
                text = " ".join([text] + [line.strip() for line in lines[1:]])
            return text if len(text) <= 160 else text[:157] + "..."
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1][:160] if lines else "failed without a message"


def reduce(doc, progenitor, log=print):
    """Returns (reduced document, dropped list, probe count)."""
    dropped = []
    keep = []
    seen = set()
    for path, method, op in operations(doc):
        op_id = op.get("operationId")
        if not op_id:
            dropped.append({"operation": label(path, method, op), "reason": "no operationId"})
        elif op_id in seen:
            dropped.append({"operation": label(path, method, op), "reason": "duplicate operationId"})
        else:
            seen.add(op_id)
            keep.append((path, method))
    labels = {(p, m): label(p, m, o) for p, m, o in operations(doc)}

    with tempfile.TemporaryDirectory(prefix="progenitor-reduce-") as work:
        prober = Prober(progenitor, work)
        ok, why = prober.probe(subset(doc, set()))
        if not ok:
            raise SystemExit(f"progenitor rejects the document's components, whatever the operations: {why}")

        def bad(ops):
            """The operations of `ops` to drop, with reasons."""
            ok, why = prober.probe(subset(doc, set(ops)))
            if ok:
                return []
            if len(ops) == 1:
                return [(ops[0], why)]
            half = len(ops) // 2
            found = bad(ops[:half]) + bad(ops[half:])
            if found:
                return found
            # Each half generates alone: add the second half one at a time.
            kept = list(ops[:half])
            for op in ops[half:]:
                ok, why = prober.probe(subset(doc, set(kept + [op])))
                if ok:
                    kept.append(op)
                else:
                    found.append((op, f"fails together with other operations: {why}"))
            return found

        # Dropping operations can leave others that fail only together, so
        # repeat until the remainder generates as a whole.
        while True:
            found = bad(keep)
            if not found:
                break
            for op, why in found:
                dropped.append({"operation": labels[op], "reason": why})
                keep.remove(op)
        reduced = subset(doc, set(keep))
        for d in dropped:
            log(f"  dropped {d['operation']}: {d['reason']}")
        return reduced, dropped, prober.runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--progenitor", required=True, help="the cargo-progenitor binary")
    parser.add_argument("--report", help="write the dropped operations here (JSON)")
    parser.add_argument("spec")
    parser.add_argument("out")
    args = parser.parse_args()
    doc = load(args.spec)
    total = sum(1 for _ in operations(doc))
    reduced, dropped, runs = reduce(doc, args.progenitor)
    with open(args.out, "w") as f:
        json.dump(reduced, f, indent=1)
        f.write("\n")
    if args.report:
        with open(args.report, "w") as f:
            json.dump({"operations": total, "kept": total - len(dropped), "dropped": dropped}, f, indent=1)
    print(f"{args.out}: kept {total - len(dropped)} of {total} operations ({runs} progenitor runs)")


if __name__ == "__main__":
    main()

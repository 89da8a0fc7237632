#!/usr/bin/env python3
"""Score `paperledger extract FILE --json` against the held-out ground truth written by gen.py.

Usage:
    python3 score.py DIR [--bin PATH] [--jobs 2] [--timeout 300] [--json [OUT.json]] [--misses N]

Rules
  * only fields whose truth is not null are compared (a null due_date / siret / vat id / iban is skipped);
  * a field absent from the output is an empty value (wrong);
  * amounts: decimals compared on absolute value (a credit note printed positive or negative both count);
  * supplier_name: lower-cased, punctuation and legal forms (sarl sas gmbh ag ltd llc ek inc sa) removed,
    right when one name contains the other (whole words);
  * ids (vat id, siret, iban, invoice number): compared without spaces, upper case;
  * dates: ISO YYYY-MM-DD; currency: ISO code, upper case;
  * only the first document of the output is scored; more than one document for one file is a wrong split.
"""
import argparse
import concurrent.futures as cf
import json
import os
import re
import subprocess
import sys
import unicodedata
from decimal import Decimal, InvalidOperation

FIELDS = ["supplier_name", "supplier_vat_id", "supplier_siret", "iban", "invoice_number", "invoice_date",
          "due_date", "currency", "net_total", "vat_total", "gross_total"]
AMOUNTS = {"net_total", "vat_total", "gross_total"}
IDS = {"supplier_vat_id", "supplier_siret", "iban", "invoice_number"}
LEGAL = {"sarl", "sas", "gmbh", "ag", "ltd", "llc", "ek", "inc", "sa"}
DEFAULT_BIN = "/root/.cache/paperledger-target/debug/paperledger"


def parse_amount(v):
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return Decimal(str(v))
    s = str(v).strip()
    s = re.sub(r"[^\d,.\-+()']", "", s.replace("\u2212", "-"))
    neg = s.startswith("-") or (s.startswith("(") and s.endswith(")")) or s.endswith("-")
    s = s.strip("()+-").replace("'", "")
    if not s:
        return None
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        parts = s.split(",")
        s = (parts[0] + "." + parts[1]) if len(parts) == 2 and len(parts[1]) != 3 else "".join(parts)
    elif s.count(".") > 1:
        s = s.replace(".", "")
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    return -d if neg else d


def norm_name(s):
    s = unicodedata.normalize("NFKC", str(s or "")).lower()
    s = s.replace(".", "").replace("'", "").replace("\u2019", "")
    s = re.sub(r"[^\w]+", " ", s)
    toks = [t for t in s.split() if t not in LEGAL]
    return " ".join(toks)


def norm_id(s):
    return re.sub(r"[\s\u00a0\u202f]+", "", str(s or "")).upper()


def value_of(fields, name):
    f = fields.get(name)
    if f is None:
        return None
    if isinstance(f, dict):
        v = f.get("value")
    else:
        v = f
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    return v


def compare(field, truth, got):
    """Returns True when got matches truth for field."""
    if got is None:
        return False
    if field in AMOUNTS:
        g = parse_amount(got)
        return g is not None and abs(g) == abs(Decimal(truth))
    if field == "supplier_name":
        a, b = norm_name(truth), norm_name(got)
        if not a or not b:
            return False
        return (" " + b + " ") in (" " + a + " ") or (" " + a + " ") in (" " + b + " ")
    if field in IDS:
        return norm_id(got) == norm_id(truth)
    if field in ("invoice_date", "due_date"):
        return str(got).strip()[:10] == truth
    if field == "currency":
        return str(got).strip().upper() == truth.upper()
    return str(got).strip() == str(truth).strip()


def run_one(binpath, pdf, timeout):
    try:
        p = subprocess.run([binpath, "extract", pdf, "--json"], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": "timeout after %ds" % timeout}
    if p.returncode != 0 and not p.stdout.strip():
        return {"error": "exit %d: %s" % (p.returncode, p.stderr.strip()[-300:])}
    try:
        return {"out": json.loads(p.stdout), "rc": p.returncode}
    except json.JSONDecodeError as e:
        return {"error": "bad json (%s): %s" % (e, p.stdout[:200])}


def pct(r, t):
    return 100.0 * r / t if t else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--json", nargs="?", const="-", default=None, metavar="OUT",
                    help="write the summary as JSON to OUT (stdout when OUT is omitted or '-')")
    ap.add_argument("--misses", type=int, default=0, help="list at most N misses (0 = all)")
    a = ap.parse_args()

    stems = sorted(f[:-4] for f in os.listdir(a.dir) if f.endswith(".pdf") and os.path.exists(os.path.join(a.dir, f[:-4] + ".json")))
    if not stems:
        sys.exit("no PDF with a .json truth in %s" % a.dir)
    truths = {s: json.load(open(os.path.join(a.dir, s + ".json"), encoding="utf-8")) for s in stems}
    results = {}
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = {ex.submit(run_one, a.bin, os.path.join(a.dir, s + ".pdf"), a.timeout): s for s in stems}
        for fu in cf.as_completed(futs):
            results[futs[fu]] = fu.result()

    per_field = {f: [0, 0] for f in FIELDS}
    per_layout, per_lang = {}, {}
    misses, errors, splits, no_doc = [], [], [], []
    docs_all_right = 0
    per_doc = {}
    for s in stems:
        t = truths[s]
        res = results[s]
        fields = {}
        if "error" in res:
            errors.append((s, res["error"]))
        else:
            docs = res["out"].get("documents") or []
            if len(docs) > 1:
                splits.append((s, len(docs)))
            if not docs:
                no_doc.append(s)
            else:
                fields = docs[0].get("fields") or {}
        right = total = 0
        for f in FIELDS:
            tv = t.get(f)
            if tv is None:
                continue
            got = value_of(fields, f)
            ok = compare(f, tv, got)
            per_field[f][1] += 1
            total += 1
            if ok:
                per_field[f][0] += 1
                right += 1
            else:
                misses.append({"file": s, "field": f, "expected": tv, "got": got, "layout": t.get("layout"), "lang": t.get("lang")})
        for key, bucket in ((t.get("layout", "?"), per_layout), (t.get("lang", "?"), per_lang)):
            b = bucket.setdefault(key, [0, 0, 0, 0])
            b[0] += right
            b[1] += total
            b[2] += 1
            b[3] += 1 if right == total else 0
        docs_all_right += 1 if right == total else 0
        per_doc[s] = {"right": right, "total": total, "layout": t.get("layout"), "lang": t.get("lang")}

    tot_r = sum(v[0] for v in per_field.values())
    tot_t = sum(v[1] for v in per_field.values())
    lines = []
    lines.append("Held-out score: %d documents in %s, binary %s" % (len(stems), a.dir, a.bin))
    lines.append("")
    lines.append("%-16s %9s %7s" % ("field", "right", "%"))
    for f in FIELDS:
        r, t_ = per_field[f]
        lines.append("%-16s %4d/%-4d %6.1f%%" % (f, r, t_, pct(r, t_)))
    lines.append("%-16s %4d/%-4d %6.1f%%" % ("TOTAL", tot_r, tot_t, pct(tot_r, tot_t)))
    lines.append("documents fully right: %d/%d (%.1f%%)" % (docs_all_right, len(stems), pct(docs_all_right, len(stems))))
    lines.append("wrong splits (more than one document): %d%s" % (len(splits), (" " + ", ".join("%s(%d)" % x for x in splits)) if splits else ""))
    lines.append("no document in output: %d%s" % (len(no_doc), (" " + ", ".join(no_doc)) if no_doc else ""))
    lines.append("extract errors: %d" % len(errors))
    for s, e in errors:
        lines.append("  %s: %s" % (s, e))
    lines.append("")
    lines.append("%-16s %11s %7s %10s" % ("layout", "fields", "%", "docs ok"))
    for k in sorted(per_layout):
        r, t_, n, ok = per_layout[k]
        lines.append("%-16s %5d/%-5d %6.1f%% %4d/%-4d" % (k, r, t_, pct(r, t_), ok, n))
    lines.append("")
    lines.append("%-16s %11s %7s %10s" % ("language", "fields", "%", "docs ok"))
    for k in sorted(per_lang):
        r, t_, n, ok = per_lang[k]
        lines.append("%-16s %5d/%-5d %6.1f%% %4d/%-4d" % (k, r, t_, pct(r, t_), ok, n))
    lines.append("")
    shown = misses if not a.misses else misses[: a.misses]
    lines.append("misses (%d%s):" % (len(misses), ", first %d shown" % len(shown) if len(shown) < len(misses) else ""))
    for m in shown:
        lines.append("%s %s: expected %s, got %s" % (m["file"], m["field"], m["expected"], "<empty>" if m["got"] is None else m["got"]))
    text = "\n".join(lines)

    summary = {
        "dir": a.dir, "bin": a.bin, "documents": len(stems),
        "fields": {f: {"right": r, "total": t_, "pct": round(pct(r, t_), 1)} for f, (r, t_) in per_field.items()},
        "total": {"right": tot_r, "total": tot_t, "pct": round(pct(tot_r, tot_t), 1)},
        "documents_fully_right": docs_all_right,
        "per_layout": {k: {"right": v[0], "total": v[1], "pct": round(pct(v[0], v[1]), 1), "docs": v[2], "docs_ok": v[3]} for k, v in sorted(per_layout.items())},
        "per_lang": {k: {"right": v[0], "total": v[1], "pct": round(pct(v[0], v[1]), 1), "docs": v[2], "docs_ok": v[3]} for k, v in sorted(per_lang.items())},
        "wrong_splits": [{"file": s, "documents": n} for s, n in splits],
        "no_document": no_doc,
        "errors": [{"file": s, "error": e} for s, e in errors],
        "misses": misses,
        "per_document": per_doc,
    }
    if a.json == "-":
        print(json.dumps(summary, ensure_ascii=False, indent=1, default=str))
    else:
        print(text)
        if a.json:
            with open(a.json, "w", encoding="utf-8") as fh:
                json.dump(summary, fh, ensure_ascii=False, indent=1, default=str)


if __name__ == "__main__":
    main()

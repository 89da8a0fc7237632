#!/usr/bin/env python3
"""Real invoices no one here wrote: the five test PDFs of invoice2data 0.3.6
(MIT; downloaded from PyPI, read in a temporary folder, never copied into the
repository) through `paperledger extract FILE --json`, without a template,
compared with the values invoice2data's own templates extract (its
tests/compare/*.json).

    python3 benches/heldout/invoice2data_real.py [--bin PATH]

Field mapping: amount -> gross_total, amount_untaxed -> net_total, date ->
invoice_date, date_due -> due_date, invoice_number (a leading '#' ignored),
currency, vat -> supplier_vat_id (spaces ignored). Fields invoice2data's
templates name freely (issuer, desc, order_id, booking_id...) are not compared.
"""
import argparse, glob, json, os, subprocess, sys, tarfile, tempfile
from decimal import Decimal

MAP = {"amount": "gross_total", "amount_untaxed": "net_total", "date": "invoice_date", "date_due": "due_date",
       "invoice_number": "invoice_number", "currency": "currency", "vat": "supplier_vat_id"}


def norm(field, v):
    if v is None:
        return None
    if field in ("gross_total", "net_total"):
        return Decimal(str(v)).quantize(Decimal("0.01"))
    s = str(v).strip()
    if field == "invoice_number":
        s = s.lstrip("#").strip()
    if field == "supplier_vat_id":
        s = s.replace(" ", "").upper()
    if field in ("invoice_date", "due_date"):
        s = s[:10]
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.expanduser("~/.cache/paperledger-target/debug/paperledger"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "invoice2data==0.3.6", "--no-binary", ":all:", "--no-deps", "-q", "-d", tmp], check=True)
        with tarfile.open(glob.glob(os.path.join(tmp, "invoice2data-0.3.6.tar.gz"))[0]) as t:
            t.extractall(tmp, filter="data")
        right, total, misses = {}, {}, []
        for pdf in sorted(glob.glob(os.path.join(tmp, "invoice2data-0.3.6", "tests", "compare", "*.pdf"))):
            want = json.load(open(pdf[:-4] + ".json"))[0]
            out = subprocess.run([args.bin, "extract", pdf, "--json"], capture_output=True, text=True)
            got = json.loads(out.stdout)["documents"][0]["fields"] if out.returncode == 0 else {}
            for k, field in MAP.items():
                if k not in want:
                    continue
                total[field] = total.get(field, 0) + 1
                g = norm(field, got.get(field, {}).get("value"))
                if g == norm(field, want[k]):
                    right[field] = right.get(field, 0) + 1
                else:
                    misses.append(f"{os.path.basename(pdf)} {field}: expected {want[k]}, got {g}")
        for f in total:
            print(f"{f:16} {right.get(f, 0)}/{total[f]}")
        r, n = sum(right.values()), sum(total.values())
        print(f"{'TOTAL':16} {r}/{n} = {100 * r / n:.1f} %")
        for m in misses:
            print("miss", m)


if __name__ == "__main__":
    main()

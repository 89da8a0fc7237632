#!/usr/bin/env python3
"""Factur-X / ZUGFeRD PDFs with their XML removed: the values the visible
page gives through `paperledger extract` (no template), against the values
the same file's XML gives (extract on the original reads the XML first).

    python3 benches/heldout/facturx_without_xml.py [--bin PATH] [DIR ...]

DIR defaults to the shared corpus' factur-x/pdf (read in place). Every
attachment is removed with qpdf (--remove-attachment), so the file is an
ordinary PDF invoice.
"""
import argparse, glob, json, os, subprocess, tempfile

FIELDS = ["supplier_name", "supplier_vat_id", "supplier_siret", "iban", "invoice_number", "invoice_date", "due_date",
          "currency", "net_total", "vat_total", "gross_total"]


def fields(bin_, pdf):
    out = subprocess.run([bin_, "extract", pdf, "--json"], capture_output=True, text=True)
    docs = json.loads(out.stdout)["documents"] if out.returncode == 0 else []
    return {k: v["value"] for k, v in docs[0]["fields"].items()} if docs else {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.expanduser("~/.cache/paperledger-target/debug/paperledger"))
    ap.add_argument("dirs", nargs="*")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    dirs = args.dirs or [d for d in [os.environ.get("PAPERLEDGER_CORPUS", ""), os.path.join(here, "../../../shared/corpus"), "/work/shared/corpus"] if d and os.path.isdir(d)][:1]
    pdfs = sorted(p for d in dirs for p in glob.glob(os.path.join(d, "**", "*.pdf"), recursive=True))
    right = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in pdfs:
            names = subprocess.run(["qpdf", "--list-attachments", pdf], capture_output=True, text=True).stdout
            keys = [l.split(" -> ")[0].strip() for l in names.splitlines() if " -> " in l]
            if not any(k.lower().endswith(".xml") for k in keys):
                continue
            stripped = os.path.join(tmp, os.path.basename(pdf))
            subprocess.run(["qpdf", pdf, stripped] + [f"--remove-attachment={k}" for k in keys], check=False)
            want, got = fields(args.bin, pdf), fields(args.bin, stripped)
            for f in FIELDS:
                if f not in want:
                    continue
                total += 1
                ok = got.get(f) == want[f]
                right += ok
                if not ok:
                    print(f"miss {os.path.basename(pdf)} {f}: XML {want[f]}, page {got.get(f)}")
    print(f"{len(pdfs)} PDF(s); fields from the page equal to the XML's: {right}/{total}")


if __name__ == "__main__":
    main()

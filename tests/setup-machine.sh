#!/usr/bin/env bash
# Installs what paperledger's commands and tests need on a fresh Debian
# machine (run as root), and sets the shared cargo target directory.
# Sourced by samples/run.sh and tests/run.sh.
set -euo pipefail

# Debian packages: poppler-utils (pdftoppm renders scanned pages for OCR;
# pdftotext is the benchmark's reference),
# qpdf (collates duplex pairs; encrypts a fixture in the tests), tesseract with fra/deu/eng (OCR)
# and osd (orientation of pages scanned sideways or upside down),
# zbar-tools (zbarimg reads separator sheets' barcodes and QR codes),
# libtiff-tools (tiff2pdf turns multi-page TIFF scans into PDF pages),
# python3-aiosmtpd (the real SMTP server on loopback the report tests send to),
# systemd (systemd-analyze rates the service unit's exposure in the tests).
need=()
for pkg in poppler-utils qpdf tesseract-ocr tesseract-ocr-fra tesseract-ocr-deu tesseract-ocr-eng tesseract-ocr-osd zbar-tools libtiff-tools python3-aiosmtpd systemd g++; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if ((${#need[@]})); then
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# DuckDB's bundled C++ build takes ~15 minutes: keep the target directory
# outside the clone so every checkout and CI run on this machine reuses it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/paperledger-target}"

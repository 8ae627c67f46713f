#!/usr/bin/env bash
# Regenerate the pictures of docs/ (one page per output kind) from the bundled seed forms:
# the empty xlsx template as LibreOffice prints it, a form exported to PDF, the review report.
set -euo pipefail
cd "$(dirname "$0")/.."
J=.venv/bin/jixiao
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$J template -o "$tmp/template.xlsx" --year 2024 >/dev/null
soffice -env:UserInstallation="file://$tmp/profile" --headless --convert-to pdf --outdir "$tmp" "$tmp/template.xlsx" >/dev/null 2>&1
$J export examples/000_eb8848fd7a2ae03f.txt --format pdf -o "$tmp/forms" >/dev/null
$J report examples -o "$tmp/report.pdf" >/dev/null
mkdir -p docs
pdftoppm -png -r 50 -f 1 -l 1 -singlefile "$tmp/template.pdf" docs/template-xlsx
pdftoppm -png -r 50 -f 1 -l 1 -singlefile "$tmp/forms/000_eb8848fd7a2ae03f_01_人大宣传.pdf" docs/form-pdf
pdftoppm -png -r 50 -f 1 -l 1 -singlefile "$tmp/report.pdf" docs/report-pdf
ls -la docs/*.png

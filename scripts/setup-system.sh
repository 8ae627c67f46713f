#!/usr/bin/env bash
# System packages the project needs beside its Python ones: LibreOffice (doc/wps/et
# conversion, PDF printing, template recomputation), CJK fonts (PDF, report and chart rendering),
# poppler (pdftoppm, to look at PDFs), PostgreSQL (the store's second database), Chromium (browser tests).
# Idempotent and quiet when everything is present; needs root or sudo to install.
set -euo pipefail

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
# grep reads its whole input (no -q): with pipefail, -q's early exit would fail the pipe by SIGPIPE.
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# WeasyPrint (report PDF) draws text with Pango and subsets fonts fastest with HarfBuzz.
ldconfig -p 2>/dev/null | grep "libpangoft2-1.0.so" >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep "libharfbuzz-subset.so" >/dev/null || need+=(libharfbuzz-subset0)
# The web system's browser tests drive Debian's Chromium through Playwright (no browser download).
command -v chromium >/dev/null 2>&1 || need+=(chromium chromium-driver)

[ ${#need[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ -n "$SUDO" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "setup-system: need root to install: ${need[*]} (tests that need them will say so and skip)" >&2
  exit 0
fi
echo "setup-system: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null || echo "setup-system: apt-get update failed" >&2
if ! $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
  echo "setup-system: could not install ${need[*]} (tests that need them will say so and skip)" >&2
fi

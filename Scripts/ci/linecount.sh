#!/usr/bin/env bash
# Lines of the library's Swift sources: per module, then per file, largest first. Files over 400
# lines (STYLE.md's aim for one concept per file) are flagged, and over 800 (which needs a reason)
# flagged twice. Informational only: it always exits 0, so CI prints it without failing on it.
cd "$(dirname "$0")/../.." || exit 0
counts=$(find Sources -type f -name '*.swift' -exec wc -l {} + 2>/dev/null | awk '$2 != "total"')
if [ -z "$counts" ]; then
  echo "linecount: no Swift files under Sources"
  exit 0
fi
echo "Lines per module (Sources/<module>, Swift files), largest first:"
echo "   lines  module                 files"
echo "$counts" | awk '
  { split($2, part, "/"); lines[part[2]] += $1; files[part[2]]++ }
  END { for (m in lines) printf "%8d  %-22s %5d\n", lines[m], m, files[m] }' | sort -rn
echo "$counts" | awk '{ total += $1; n++ } END { printf "%8d  %-22s %5d\n", total, "(all)", n }'
echo
echo "Lines per file, largest first (!: over 400 lines, !!: over 800):"
echo "$counts" | sort -rn | awk '
  { flag = $1 > 800 ? "  !!" : ($1 > 400 ? "  !" : ""); printf "%8d  %s%s\n", $1, $2, flag }'
exit 0

"""The difference between two versions of a piece's text, line by line, for the page.

Rows of plain text with a kind; the template escapes them like any other text, so a
version holding `<script>` shows those characters and runs nothing. Long lines wrap in
the page (CSS), so a diff fits a phone screen.
"""

import difflib
from dataclasses import dataclass

CONTEXT = 3  # unchanged lines shown around each change
MAX_LINES = 5000  # beyond this a diff is not worth reading on a page


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "same" or "gap" (unchanged lines left out)
    text: str
    old_number: int | None = None
    new_number: int | None = None


def version_diff(old_text, new_text, *, context=CONTEXT):
    """The changed lines of `old_text` -> `new_text` with `context` lines around them."""
    old, new = (old_text or "").splitlines()[:MAX_LINES], (new_text or "").splitlines()[:MAX_LINES]
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    rows = []
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append(DiffLine("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [DiffLine("same", old[i], i + 1, j1 + (i - i1) + 1) for i in range(i1, i2)]
                continue
            if tag in ("replace", "delete"):
                rows += [DiffLine("removed", old[i], old_number=i + 1) for i in range(i1, i2)]
            if tag in ("replace", "insert"):
                rows += [DiffLine("added", new[j], new_number=j + 1) for j in range(j1, j2)]
    return rows

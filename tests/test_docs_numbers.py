"""The numbers the docs state that the package can compute, held against the package.

Each table or sentence below is parsed from the docs page itself, so editing the page or the code
without the other fails here."""

from __future__ import annotations

import math
import re
from pathlib import Path

from qresource.grover import schedules
from qresource.oracle.precision import plan_precision

DOCS = Path(__file__).resolve().parents[1] / "docs"
PACKAGE = DOCS.parent / "qresource"


def _table_after(page: str, marker: str) -> list[list[str]]:
    """The markdown table's body rows following ``marker`` on ``page``, cells stripped."""
    text = (DOCS / page).read_text(encoding="utf-8")
    assert marker in text, f"{page} lost its {marker!r} table"
    rows = []
    for line in text.split(marker, 1)[1].splitlines():
        line = line.strip()
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if set(cells[0]) <= {"-", ":"} or not cells[0][:1].isdigit():
            continue
        rows.append(cells)
    assert rows, f"{page}: empty table after {marker!r}"
    return rows


def _power_of_two(cell: str) -> int:
    base, exponent = cell.split("^")
    assert base == "2"
    return 1 << int(exponent)


def test_bbht_cap_rounds_table_matches_the_schedule():
    rows = _table_after("grover.md", "<!-- cap-rounds table")
    header_ks = (8, 32, 128)
    for cells in rows:
        space = _power_of_two(cells[0])
        stated = [int(cell) for cell in cells[1:]]
        computed = [schedules.bbht_cap_rounds(space, k, 0.01) for k in header_ks]
        assert stated == computed, f"docs/grover.md cap rounds at N = {cells[0]}: {stated} != {computed}"


def test_certification_constants_in_grover_md():
    text = (DOCS / "grover.md").read_text(encoding="utf-8")
    sentence = re.search(r"`certification_over_sqrt_N`, (.*?)\)\.", text, re.S).group(1)
    claims = re.findall(r"([\d.]+) at\s+N = 2\^(\d+) with R = (\d)", sentence)
    assert len(claims) >= 3
    for value, exponent, rounds in claims:
        schedule = schedules.unknown_k_schedule(1 << int(exponent), 8, 0.01)
        assert schedule.cap_rounds == int(rounds)
        assert round(schedule.certification_constant, 2) == float(value)


def test_planner_widths_table_in_oracle_md():
    rows = _table_after("oracle.md", "Widths for max|Q|, max|K| ≤ 1")
    exponents = (10, 14, 17, 20)
    for cells in rows:
        d = int(cells[0])
        for exponent, cell in zip(exponents, cells[1:]):
            stated = int(re.match(r"(?:b = )?(\d+)", cell).group(1))
            tau = 2 * math.log(1 << exponent)
            assert plan_precision(d=d, q_max=1, k_max=1, tau=tau).bits == stated, (d, exponent)


def test_the_grover_paper_authors_are_spelled_as_on_the_paper():
    # arXiv listing: Xuyang Guo, Zhao Song, Xin Yang, Ruizhe Zhang
    for path in [*DOCS.glob("*.md"), *PACKAGE.rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "Gao, Song" not in text, f"{path.name} misspells Guo"

"""docs/: the CLI reference is what the command line prints now, the table of contents links
every page and only pages that exist, and the guide shows every subcommand."""

from __future__ import annotations

import re

import click
import pytest

from qresource.cli_reference import DEFAULT_PATH, render

DOCS = DEFAULT_PATH.parent
LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")


def test_cli_reference_is_current():
    assert DEFAULT_PATH.read_text(encoding="utf-8") == render(), (
        "docs/cli-reference.md is out of date; run: python3 -m qresource.cli_reference"
    )


def test_index_links_every_page_and_every_link_resolves():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = set(LINK.findall(index))
    pages = {p.name for p in DOCS.glob("*.md")} - {"index.md"}
    assert pages <= linked, f"pages missing from docs/index.md: {sorted(pages - linked)}"
    missing = {name for name in linked if not (DOCS / name).exists()}
    assert not missing, f"docs/index.md links to pages that do not exist: {sorted(missing)}"


def test_every_relative_link_of_every_page_resolves():
    broken = [(page.name, target) for page in sorted(DOCS.glob("*.md"))
              for target in LINK.findall(page.read_text(encoding="utf-8"))
              if not (page.parent / target).exists()]
    assert not broken, f"links to missing pages: {broken}"


def test_a_deleted_page_is_noticed(tmp_path, monkeypatch):
    """The link check itself: with one linked page gone, it fails."""
    import shutil

    copy = tmp_path / "docs"
    shutil.copytree(DOCS, copy)
    (copy / "grover.md").unlink()
    monkeypatch.setitem(globals(), "DOCS", copy)
    with pytest.raises(AssertionError, match="grover.md"):
        test_index_links_every_page_and_every_link_resolves()
    with pytest.raises(AssertionError, match="grover.md"):
        test_every_relative_link_of_every_page_resolves()


def test_guide_has_an_example_of_every_command():
    from qresource.cli import cli

    cli.load_all()
    guide = (DOCS / "guide.md").read_text(encoding="utf-8")
    runs = re.findall(r"<!-- run(?: lines=\d+)?: qresource ([^>]*?) -->", guide)
    shown = {tuple(run.split()[:2]) for run in runs} | {tuple(run.split()[:1]) for run in runs}
    for name, command in cli.commands.items():
        subcommands = command.commands if isinstance(command, click.Group) else {None: command}
        for sub in subcommands:
            key = (name,) if sub is None else (name, sub)
            if key == ("report",):  # a minute long: shown as a plain shell block instead
                continue
            assert key in shown, f"docs/guide.md has no example of 'qresource {' '.join(key)}'"

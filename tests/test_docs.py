"""The design lives in docs/: what the code cites must be there, for anyone who clones it."""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SKIP_DIRS = {".git", ".venv", ".tools", ".pytest_cache", ".ruff_cache", "__pycache__", "media"}
TEXT_SUFFIXES = {".py", ".toml", ".md", ".html", ".txt", ".cfg", ".ini", ".yml", ".yaml"}

# A design outside the repository (the project's shared folder, its DESIGN.md and STYLE.md).
OUTSIDE = re.compile(r"\.\./shared|DESIGN\.md|STYLE\.md")
# Files still citing it, each to point at docs/ instead; the list only shrinks.
NOT_YET_POINTED_AT_DOCS = {}
# Pages docs/ links to that another branch is writing.
BEING_WRITTEN = {"anonymity.md"}

# `docs/rules.md ("Seats and hand-over")` or `docs/rules.md, "Seats and hand-over"`.
CITATION = re.compile(r'docs/([\w-]+\.md)(?:,\s*|\s*\(\s*)"([^"]+)"')
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _text_files():
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIP_DIRS]
        for name in names:
            path = Path(folder) / name
            if path.suffix in TEXT_SUFFIXES or name == "Makefile":
                yield path


def _headings(page: Path) -> set[str]:
    """A page's section titles, without the markdown and a leading "6. "."""
    headings = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            headings.add(re.sub(r"^\d+\.\s+", "", title))
    return headings


def test_nothing_cites_a_design_outside_the_repository():
    citing = {
        str(path.relative_to(ROOT))
        for path in _text_files()
        if path != Path(__file__).resolve() and OUTSIDE.search(path.read_text(encoding="utf-8"))
    }
    assert citing == set()


def test_every_citation_of_docs_names_a_page_and_section_that_exist():
    missing = []
    for path in _text_files():
        for page, quoted in CITATION.findall(path.read_text(encoding="utf-8")):
            section = " ".join(quoted.split())  # a citation may wrap inside its quotes
            target = DOCS / page
            if not target.exists():
                missing.append(f"{path.relative_to(ROOT)}: docs/{page}")
            elif section not in _headings(target):
                missing.append(f'{path.relative_to(ROOT)}: docs/{page} "{section}"')
    assert missing == []


def test_links_between_docs_pages_lead_somewhere():
    broken = []
    for page in DOCS.glob("*.md"):
        for target in MARKDOWN_LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target or target in BEING_WRITTEN:
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.name} -> {target}")
    assert broken == []


def test_the_readme_points_to_docs():
    assert "(docs/README.md)" in (ROOT / "README.md").read_text(encoding="utf-8")

"""The design lives in docs/: what the code cites must be there, for anyone who clones it."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
TEXT_SUFFIXES = {".py", ".toml", ".md", ".html", ".txt", ".cfg", ".ini", ".yml", ".yaml"}

# A design outside the repository (the project's shared folder, its DESIGN.md and STYLE.md).
OUTSIDE = re.compile(r"\.\./shared|DESIGN\.md|STYLE\.md")

# `docs/rules.md ("Seats and hand-over")` or `docs/rules.md, "Seats and hand-over"`.
CITATION = re.compile(r'docs/([\w-]+\.md)(?:,\s*|\s*\(\s*)"([^"]+)"')
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _text_files():
    """The repository's own text files: what git tracks, never caches or test artefacts."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        path = ROOT / name
        if (path.suffix in TEXT_SUFFIXES or path.name == "Makefile") and path.exists():
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
            if "://" in target:
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.name} -> {target}")
    assert broken == []


def test_the_readme_points_to_docs():
    assert "(docs/README.md)" in (ROOT / "README.md").read_text(encoding="utf-8")

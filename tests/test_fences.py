"""Fenced code as the engine reads it: the checks skip exactly the lines Python-Markdown
shows as code, no more (an indented or unclosed fence is prose, and is checked) and no less.
"""

from __future__ import annotations

import re

import markdown
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.sources.prose import fenced_lines

from .conftest import MINIMAL_YAML, REPO, ProjectFactory

EXTENSIONS = [e if isinstance(e, str) else next(iter(e))
              for e in yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
              ["markdown_extensions"]]

FENCES = ["```", "~~~", "````", "~~~~", "   ```", " ~~~", "```python", "``` {.x}", "```{", "``` x y",
          "```\t", "\t```", "```js hl_lines=\"1\"", "``` ```", "~~~ `x`", "`````"]
OTHER = ["", "text", "## Heading {#h}", "- item", "    indented", "> quote", "<div>", "</div>",
         "!!! note", "`span`"]


def _engine_code_lines(lines: list[str]) -> set[int]:
    """Which tokens the engine puts inside <pre><code>: every non-fence line carries one."""
    html = markdown.markdown("\n".join(lines), extensions=EXTENSIONS)
    inside = "".join(re.findall(r"<pre[^>]*><code[^>]*>(.*?)</code></pre>", html, re.S))
    return {int(n) for n in re.findall(r"TOKEN(\d+)X", inside)}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FENCES).map(lambda f: (True, f)),
                          st.sampled_from(OTHER).map(lambda o: (False, o))), max_size=14))
@example([(True, "   ```"), (False, "## Heading {#h}"), (True, "   ```")])
@example([(True, "```"), (False, "text")])
def test_code_lines_are_the_engines(pieces: list[tuple[bool, str]]) -> None:
    lines = [piece if fence else f"{piece} TOKEN{i}X".strip() for i, (fence, piece) in enumerate(pieces)]
    ours = fenced_lines("\n".join(lines))
    tokens = {i for i, (fence, _) in enumerate(pieces) if not fence}
    assert ours & tokens == _engine_code_lines(lines)


P = "protocol_src/protocols/acme"


def _errors(make_project: ProjectFactory, body: str) -> list[str]:
    root = make_project({f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme"), f"{P}/en.md": body})
    return [p.format() for p in pipeline.check(root).sorted() if p.severity == "error"]


@pytest.mark.parametrize(("body", "expected"), [
    ("   ```\n## Dose\nSee [[nowhere]].\n   ```\n",
     [f"{P}/en.md:6: error: heading 'Dose' has no explicit id "
      "(hint: end it with an id shared by every language, e.g. {#dosing})"]),
    ("   ```\n## Dose {#dose}\nSee [[nowhere]], [[acme#dose]].\n   ```\n",
     [f"{P}/en.md:7: error: link to unknown protocol 'nowhere'"]),
])
def test_an_indented_fence_is_prose_and_is_checked(make_project: ProjectFactory, body: str,
                                                    expected: list[str]) -> None:
    # Python-Markdown shows an indented fence's heading as a heading and its link as text:
    # the checks must read them too (they used to skip them as code).
    assert _errors(make_project, "---\ntitle: A\n---\n\n" + body) == expected


def test_a_real_fence_is_code(make_project: ProjectFactory) -> None:
    body = "---\ntitle: A\n---\n\n```\n## Dose\nSee [[nowhere]].\n```\n"
    assert _errors(make_project, body) == []

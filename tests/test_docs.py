"""The documentation: the site builds in strict mode (a broken link, a missing page or a
reference that does not resolve fails), and every command in its code blocks names a tool and
options that exist, and configs that exist."""
import ast
import glob
import os.path as osp
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.test_tools.test_tool_conventions import FLAG, parser_flags

PAGES = [osp.join(ROOT, 'README.md')] + sorted(
    glob.glob(osp.join(ROOT, 'docs', '**', '*.md'), recursive=True)) + sorted(
    glob.glob(osp.join(ROOT, 'configs', '**', 'README.md'), recursive=True))
TOOL = re.compile(r'(?:python|bash)\s+(tools/[\w/]+\.(?:py|sh))')
CONFIG = re.compile(r'configs/[\w./-]+\.py')


def code_commands(text):
    """Each command of the Markdown's fenced code blocks, backslash continuations joined."""
    commands, inside, current = [], False, ''
    for line in text.splitlines():
        if line.lstrip().startswith('```'):
            inside, current = not inside, ''
            continue
        if not inside:
            continue
        current += ' ' + line.split(' #')[0].strip().rstrip('\\')
        if not line.rstrip().endswith('\\'):
            commands.append(' '.join(current.split()))
            current = ''
    return commands


def test_code_commands_by_hand():
    text = ('x\n```bash\npython tools/a.py CFG \\\n    --out D  # comment --no\n'
            'ls\n```\n--not-code\n')
    assert code_commands(text) == ['python tools/a.py CFG --out D', 'ls']


def test_docs_build_strict(tmp_path):
    p = subprocess.run([sys.executable, '-m', 'mkdocs', 'build', '--strict', '-d',
                        str(tmp_path / 'site')], cwd=ROOT, capture_output=True, text=True,
                       env=dict(__import__('os').environ, NO_MKDOCS_2_WARNING='1'))
    assert p.returncode == 0, p.stderr[-3000:]
    api = (tmp_path / 'site' / 'api' / 'index.html').read_text()
    assert 'predict_source' in api and 'write_json' in api  # the reference was generated
    page = (tmp_path / 'site' / 'methods' / 'semimultipose' / 'index.html').read_text()
    assert 'Decoding choices' in page  # the results page beside the configs is included


@pytest.mark.parametrize('page', PAGES, ids=lambda p: osp.relpath(p, ROOT))
def test_commands_name_tools_options_and_configs_that_exist(page):
    flags_of = {}
    bad = []
    for cmd in code_commands(open(page, encoding='utf-8').read()):
        for m in TOOL.finditer(cmd):
            tool = m.group(1)
            if not osp.isfile(osp.join(ROOT, tool)):
                bad.append(f'{tool}: no such tool')
                continue
            if not tool.endswith('.py'):
                continue
            if tool not in flags_of:
                flags_of[tool] = parser_flags(ast.parse(open(osp.join(ROOT, tool)).read()))
            # this tool's part of the line: up to the next tool it names
            rest = cmd[m.end():]
            nxt = TOOL.search(rest)
            for flag in FLAG.findall(rest[:nxt.start()] if nxt else rest):
                if not any(p.match(flag) for p in flags_of[tool]):
                    bad.append(f'{tool} {flag}: no such option')
        for path in CONFIG.findall(cmd):
            if not osp.isfile(osp.join(ROOT, path)):
                bad.append(f'{path}: no such config')
    assert not bad, f'{osp.relpath(page, ROOT)}: {bad}'


def test_tools_page_is_built_from_the_tools():
    """docs/tools.md is exactly what ``docs/collect_tools.py`` builds from the tools'
    docstrings (so a tool's usage and its reference page cannot drift apart), and it lists
    every tool, each under its method's heading."""
    import runpy
    collect = runpy.run_path(osp.join(ROOT, 'docs', 'collect_tools.py'))
    text = collect['render'](ROOT)
    assert open(osp.join(ROOT, 'docs', 'tools.md'), encoding='utf-8').read() == text, (
        'run python docs/collect_tools.py')
    tools = sorted(osp.relpath(p, ROOT) for p in glob.glob(osp.join(ROOT, 'tools', '**', '*.py'),
                                                          recursive=True)
                   if not osp.basename(p).startswith('_'))
    assert sorted(re.findall(r'^### `(tools/\S+\.py)`$', text, re.M)) == tools
    infant = text.index('## Analysis: infant 3D')
    assert text.index('### `tools/analysis/infant3d/infant_report.py`') > infant
    assert text.index('### `tools/analysis/score_slp.py`') < text.index('## Analysis: SemiMultiPose')

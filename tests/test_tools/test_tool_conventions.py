"""Every tool follows one command-line convention (docs/train_test.md, "Tool conventions")."""
import ast
import glob
import os.path as osp
import re

import pytest

from tests.conftest import ROOT

TOOLS = sorted(p for p in glob.glob(osp.join(ROOT, 'tools', '**', '*.py'), recursive=True)
               if not osp.basename(p).startswith('_'))
FLAG = re.compile(r'(?<![\w-])--[a-z][a-z0-9_-]*')


def parser_flags(tree):
    """Patterns of the option strings given to ``add_argument`` (f-string parts -> wildcard)."""
    pats = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, 'attr', '') == 'add_argument'):
            continue
        for arg in node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                pats.append(re.escape(arg.value))
            elif isinstance(arg, ast.JoinedStr):
                pats.append(''.join(re.escape(v.value) if isinstance(v, ast.Constant) else
                                    '[a-z0-9_-]+' for v in arg.values))
    return [re.compile(p + '$') for p in pats if p.startswith('\\-\\-') or p.startswith('--')]


def usage_flags(doc, name):
    """Flags in the docstring's usage lines for tool ``name``: a line running ``python
    .../name`` and its backslash-continued lines (flags of other tools named in prose are not
    this tool's)."""
    flags, cont = [], False
    for line in doc.splitlines():
        if cont or re.search(r'python\s+\S*' + re.escape(name), line):
            flags += FLAG.findall(line)
            cont = line.rstrip().endswith('\\')
        else:
            cont = False
    return flags


def test_flag_pattern_by_hand():
    tree = ast.parse("p.add_argument('--out')\nfor s in x:\n    p.add_argument(f'--{s}-config')")
    pats = parser_flags(tree)
    assert any(p.match('--out') for p in pats) and any(p.match('--det-config') for p in pats)
    assert not any(p.match('--json') for p in pats)
    assert FLAG.findall('CONFIG [--out a.json] [--det-config C] a--b') == ['--out',
                                                                          '--det-config']
    doc = ('python tools/x.py A [--a 1] \\\n    [--b]\nthen tools/test.py --c\n'
           '    python tools/y.py --d')
    assert usage_flags(doc, 'x.py') == ['--a', '--b']


@pytest.mark.parametrize('path', TOOLS, ids=lambda p: osp.relpath(p, ROOT))
def test_docstring_flags_exist_and_outputs_are_out(path):
    """The usage a tool's docstring advertises is what its parser accepts, and what a tool
    writes is named by ``--out`` (never ``--json``), its named inputs are positional
    ``NAME=PATH`` (never ``--result``/``--variant``)."""
    tree = ast.parse(open(path).read())
    pats = parser_flags(tree)
    if not pats:
        pytest.skip('no command line')
    doc = ast.get_docstring(tree) or ''
    flags = set(usage_flags(doc, osp.basename(path)))
    missing = [f for f in sorted(flags) if not any(p.match(f) for p in pats)]
    assert not missing, f'{osp.relpath(path, ROOT)}: docstring flags without an option: {missing}'
    for old in ('--json', '--result', '--variant'):
        assert not any(p.match(old) for p in pats), f'{path}: {old} (use the convention)'


def test_parse_named():
    import argparse
    from projects.core.cli import parse_named
    p = argparse.ArgumentParser()
    assert parse_named(['Ours 2D=a=b.json', 'x=y'], p) == [('Ours 2D', 'a=b.json'), ('x', 'y')]
    for bad in (['noequals'], ['=path'], ['name='], ['a=1', 'a=2']):
        with pytest.raises(SystemExit):
            parse_named(bad, p)


@pytest.mark.parametrize('path', TOOLS, ids=lambda p: osp.relpath(p, ROOT))
def test_usage_keeps_its_line_continuations(path):
    """A usage line continued with a backslash is shown in ``--help`` as it is typed: in a
    plain (not raw) docstring Python joins ``\\`` + newline, and the printed command loses its
    line breaks and backslashes."""
    with open(path) as f:
        src = f.read()
    tree = ast.parse(src)
    if not (tree.body and isinstance(tree.body[0], ast.Expr)
            and isinstance(tree.body[0].value, ast.Constant)
            and isinstance(tree.body[0].value.value, str)):
        return
    text = ast.get_source_segment(src, tree.body[0].value)
    continued = re.findall(r'\\\n', text)
    assert tree.body[0].value.value.count('\\\n') == len(continued), (
        f'{osp.relpath(path, ROOT)}: make the module docstring raw (r""") or write \\\\')



@pytest.mark.parametrize('path', TOOLS, ids=lambda p: osp.relpath(p, ROOT))
def test_tools_import_the_installed_package(path):
    """Tools import ``projects`` as installed (``pip install -e .``, tools/setup_env.sh), never
    by editing ``sys.path``, and never import another tool (``tools`` is not a package: such an
    import works only with the repository on ``PYTHONPATH``, as the test runners set it, and
    fails for a user who runs ``python tools/...``)."""
    src = open(path).read()
    assert not re.search(r'sys\.path\.(insert|append)', src), osp.relpath(path, ROOT)
    assert not re.search(r'^\s*(from|import) tools\b', src, re.M), osp.relpath(path, ROOT)


def test_nothing_a_user_reads_names_an_issue_or_a_machine_path():
    """README, docs, configs and the code's docstrings and comments name no issue number and no
    path of the machine they were written on."""
    files = [osp.join(ROOT, 'README.md')] + [
        p for pattern in ('docs/**/*.md', 'configs/**/*.py', 'configs/**/*.md',
                          'projects/**/*.py', 'projects/**/*.md', 'tools/**/*.py')
        for p in glob.glob(osp.join(ROOT, pattern), recursive=True)]
    bad = re.compile(r'\bissues? ?#?\d+\b|/work/|/root/|/home/\w+/', re.I)
    found = [f'{osp.relpath(p, ROOT)}: {m.group(0)}' for p in files
             for m in [bad.search(open(p, encoding='utf-8').read())] if m]
    assert not found, found


class _Parsed(Exception):
    """Raised instead of parsing, carrying the tool's parser."""


def tool_parser(path, monkeypatch):
    """The ``argparse.ArgumentParser`` a tool builds: the tool is run as ``__main__`` with no
    arguments and stopped where it would parse them."""
    import argparse
    import runpy
    import sys

    def stop(self, *a, **k):
        raise _Parsed(self)
    monkeypatch.setattr(argparse.ArgumentParser, 'parse_args', stop)
    monkeypatch.setattr(argparse.ArgumentParser, 'parse_known_args', stop)
    monkeypatch.setattr(sys, 'argv', [path])
    try:
        runpy.run_path(path, run_name='__main__')
    except _Parsed as e:
        return e.args[0]
    raise AssertionError(f'{path}: no argparse parser built')


# options that name what a tool reads: the convention makes them positional
INPUT_OPTIONS = {'src', 'source', 'input', 'inputs', 'pred', 'predictions', 'gt', 'slp',
                 'labels', 'video', 'videos', 'images', 'frames_dir', 'ann', 'ann_file'}
# options that name what a tool writes: only --out
OUTPUT_WORDS = re.compile(r'^(out|output|outdir|out_dir|out_file|save_to|json|dest)(_|$)')
# tools whose --out is a resumable study folder (runs are kept and resumed, reports rebuilt):
# no --overwrite, by design
STUDY_FOLDERS = {'learning_curve.py', 'semimultipose_protocol.py'}
# secondary inputs named by an option, with the reason
NAMED_INPUTS = {
    ('new_project.py', 'video'): 'RECORDED=NOW pairs that relink labels to moved videos',
    ('new_project.py', 'images'): "the image folder of a COCO labels file, when not beside it",
    ('sleap2coco.py', 'video'): 'the video, when not where the .slp recorded it',
    ('quickstart.py', 'data'): 'a demo whose every argument has a default',
}


@pytest.mark.parametrize('path', TOOLS, ids=lambda p: osp.relpath(p, ROOT))
def test_parser_follows_the_convention(path, monkeypatch):
    """Read from each tool's own ``argparse`` parser: positional arguments are inputs (none is
    named like an output); an output is only ever ``--out``; an input is never an option
    (``--src``, ``--pred``, ``--slp``, ...; the listed exceptions say why); a tool with
    ``--out`` also has ``--overwrite`` (except resumable study folders)."""
    tree = ast.parse(open(path).read())
    if not parser_flags(tree):
        pytest.skip('no command line')
    name = osp.basename(path)
    parser = tool_parser(path, monkeypatch)
    positional = [a.dest for a in parser._actions if not a.option_strings]
    options = {a.dest: a.option_strings for a in parser._actions if a.option_strings}
    assert not [d for d in positional if OUTPUT_WORDS.match(d)], (name, positional)
    outputs = [d for d in options if OUTPUT_WORDS.match(d)]
    assert all(options[d] == ['--out'] for d in outputs), (name, outputs)
    named = [d for d in options if d in INPUT_OPTIONS or d == 'data']
    assert all((name, d) in NAMED_INPUTS for d in named), (name, named)
    if 'out' in options and name not in STUDY_FOLDERS:
        assert 'overwrite' in options, f'{name}: --out without --overwrite'


def test_parser_reader_by_hand(tmp_path, monkeypatch):
    """The reader sees the parser a script builds, also one built inside ``main()``."""
    tool = tmp_path / 'tool.py'
    tool.write_text('import argparse\n\ndef main():\n    p = argparse.ArgumentParser()\n'
                    "    p.add_argument('labels')\n    p.add_argument('--out')\n"
                    '    p.parse_args()\n    raise SystemExit(3)\n\n'
                    "if __name__ == '__main__':\n    main()\n")
    parser = tool_parser(str(tool), monkeypatch)
    assert [a.dest for a in parser._actions] == ['help', 'labels', 'out']

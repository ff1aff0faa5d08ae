"""Build ``docs/tools.md`` from the tools' own docstrings (as MMPose's ``docs/en/collect_*.py``
build pages from the repository): for each tool, its first paragraph and its usage block (the
first indented block of the module docstring).

    python docs/collect_tools.py            # rewrite docs/tools.md
    python docs/collect_tools.py --check    # exit 1 when docs/tools.md differs

``tests/test_docs.py`` checks that the page is what this script builds, so a tool's usage and
its reference page cannot drift apart.
"""
import argparse
import ast
import glob
import os.path as osp
import sys
import textwrap

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PAGE = osp.join(ROOT, 'docs', 'tools.md')

INTRO = """# Tools reference

Every tool follows one convention: positional arguments are what it reads, `--out` is what it
writes, `--work-dir` is where training keeps checkpoints, and `--overwrite` is needed to
replace an existing output ([Train and test](train_test.md#tool-conventions)). `python TOOL --help`
prints the full help; the first paragraph and the usage of each are below. This page is built
from the tools' docstrings by `python docs/collect_tools.py`.
"""

LAUNCHERS = """## Launchers (torchrun)

```bash
bash tools/dist_train.sh CONFIG NPROC [train.py args]
bash tools/dist_test.sh CONFIG CHECKPOINT NPROC [test.py args]
bash tools/dist_predict.sh CONFIG CHECKPOINT NPROC INPUT [INPUT ...] --out DIR [predict.py args]
```

PyTorch distributed through `torchrun` and MMEngine (NCCL on GPUs, gloo on CPU);
`dist_predict.sh` gives process `r` of `n` the inputs `r, r + n, ...`.
"""

# (heading, glob under tools/, or None for the launchers' fixed text)
SECTIONS = [
    ('Training, testing, prediction', ['train.py', 'test.py', 'predict.py', 'new_project.py',
                                       'quickstart.py', 'infant_chain.py']),
    (None, None),
    ('Dataset converters', ['dataset_converters/*.py']),
    ('Model converters', ['model_converters/*.py']),
    ('Analysis: any method', ['analysis/*.py']),
    ('Analysis: SemiMultiPose', ['analysis/semimultipose/*.py']),
    ('Analysis: cross-species transfer', ['analysis/cross_species/*.py']),
    ('Analysis: infant 3D', ['analysis/infant3d/*.py']),
]


def describe(path: str) -> str:
    """The Markdown of one tool: a ``###`` heading with its path, the first paragraph of its
    module docstring on one line, and its usage block (the first indented block) in a
    ``bash`` code block, dedented.

    Raises:
        ValueError: the tool has no module docstring (names the file).
    """
    doc = ast.get_docstring(ast.parse(open(path, encoding='utf-8').read()), clean=True)
    rel = osp.relpath(path, ROOT)
    if not doc:
        raise ValueError(f'{rel}: no module docstring (its first paragraph and usage are the '
                         'reference page)')
    paragraphs = doc.split('\n\n')
    out = [f'### `{rel}`', '', ' '.join(line.strip() for line in paragraphs[0].splitlines())]
    usage = next((p for p in paragraphs[1:]
                  if p.splitlines()[0].startswith('    ') and
                  p.strip().split()[0] in ('python', 'bash')), None)
    if usage:
        out += ['', '```bash', textwrap.dedent(usage).rstrip(), '```']
    return '\n'.join(out) + '\n'


def render(root: str = ROOT) -> str:
    """The whole page, tools in the order of :data:`SECTIONS` (each glob sorted; helpers whose
    name starts with ``_`` are left out)."""
    parts = [INTRO]
    for heading, patterns in SECTIONS:
        if heading is None:
            parts.append(LAUNCHERS)
            continue
        paths = []
        for pattern in patterns:
            paths += sorted(p for p in glob.glob(osp.join(root, 'tools', pattern))
                            if not osp.basename(p).startswith('_'))
        parts.append(f'## {heading}\n\n' + '\n'.join(describe(p) for p in paths))
    return '\n'.join(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--check', action='store_true',
                        help='do not write; exit 1 when docs/tools.md differs')
    args = parser.parse_args(argv)
    text = render()
    current = open(PAGE, encoding='utf-8').read() if osp.exists(PAGE) else None
    if args.check:
        if current != text:
            print(f'{osp.relpath(PAGE, ROOT)} differs from the tools\' docstrings; run '
                  'python docs/collect_tools.py', file=sys.stderr)
            return 1
        return 0
    from projects.core.fileio import write_text
    write_text(text, PAGE, root=osp.dirname(PAGE), overwrite=True)  # unchanged: not rewritten
    print(f'{osp.relpath(PAGE, ROOT)}: {text.count("### ")} tools')
    return 0


if __name__ == '__main__':
    sys.exit(main())

"""Rules of the code's shape, checked on every file of ``projects/`` and ``tools/``:

* no function is longer than 80 lines (its body without the docstring) unless its docstring
  says why ("longer than ...");
* every file is written through ``projects/core/fileio.py`` (no bare ``open(..., 'w')``,
  ``cv2.imwrite``, ``VideoWriter``, ``torch.save``, ``savefig``, ``json.dump``, sleap-io
  ``save_*`` or ``os.symlink``), except the few lines listed with their reason.
"""
import ast
import re
import glob
import os.path as osp

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
LIMIT = 80
FILES = sorted(glob.glob(osp.join(ROOT, 'projects', '**', '*.py'), recursive=True) +
               glob.glob(osp.join(ROOT, 'tools', '**', '*.py'), recursive=True))


def long_functions(source: str, limit: int = LIMIT):
    """``[(name, body lines)]`` of the functions in ``source`` whose body (docstring left
    out) spans more than ``limit`` lines and whose docstring gives no reason."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        doc = ast.get_docstring(node)
        body = node.body[1:] if doc is not None else node.body
        if not body:
            continue
        lines = node.end_lineno - body[0].lineno + 1
        if lines > limit and 'longer than' not in (doc or ''):
            found.append((node.name, lines))
    return found


def test_counter_by_hand():
    body = ''.join(f'    x{i} = {i}\n' for i in range(81))
    assert long_functions('def f():\n' + body) == [('f', 81)]
    assert long_functions('def f():\n    """Short."""\n' + body[:-len('    x80 = 80\n')]) == []
    reason = 'def f():\n    """One function, longer than most: a linear recipe."""\n' + body
    assert long_functions(reason) == []
    nested = 'class A:\n    def g(self):\n' + body.replace('    ', '        ')
    assert long_functions(nested) == [('g', 81)]


@pytest.mark.parametrize('path', FILES, ids=lambda p: osp.relpath(p, ROOT))
def test_no_function_longer_than_80_lines_without_a_reason(path):
    with open(path) as f:
        found = long_functions(f.read())
    assert not found, (f'{osp.relpath(path, ROOT)}: {found}: split them, or say in the '
                       'docstring why one function is clearer ("longer than ...")')


# bare writers: every file the project writes goes through projects/core/fileio.py
BARE_WRITER = re.compile(
    r"""\bopen\([^()]*(\([^()]*\)[^()]*)*,\s*(mode=)?['"](w|wb|w\+|a|ab|x|xb)['"]"""
    r'|\bcv2\.imwrite\(|\bVideoWriter\(|\btorch\.save\(|\.savefig\(|\bjson\.dump\('
    r'|\bpickle\.dump\(|\bnp\.save(z|txt)?\(|\bsio\.save_\w+\(|\bos\.symlink\(')
# (file, the line's text) -> why it may write directly
ALLOWED = {
    ('tools/analysis/semimultipose/sleap_side_by_side.py',
     "sio.save_slp(labels, osp.join(args.work_dir, f'{split}.slp'))"):
        "runs in sleap-nn's environment, which cannot import PoseBridge; its own work dir",
    ('tools/analysis/semimultipose/sleap_side_by_side.py',
     "with open(osp.join(args.work_dir, f'{args.run_name}_predictions.json'), 'w') as f:"):
        "runs in sleap-nn's environment; its own work dir",
    ('tools/analysis/semimultipose/sleap_side_by_side.py', 'json.dump(out, f)'):
        "runs in sleap-nn's environment; its own work dir",
    ('tools/analysis/semimultipose/sleap_side_by_side.py', "with open(out, 'w') as f:"):
        "the measuring wrapper's record, in the work dir, also run in sleap-nn's environment",
    ('tools/analysis/semimultipose/sleap_side_by_side.py',
     'json.dump(dict(returncode=code, seconds=time.perf_counter() - t0,'):
        "the measuring wrapper's record (as above)",
    ('tools/analysis/semimultipose/sleap_side_by_side.py', "with open(log_path, 'w') as log:"):
        "a subprocess's log stream",
    ('tools/analysis/_study_runs.py',
     "with open(osp.join(work_dir, log_name), 'a') as log:"): "a subprocess's log stream",
    ('projects/core/datasets/converters/honeybee.py', "open(tmp, 'wb') as f:"):
        'a download streamed into the temporary file of fileio.write_via',
}


def bare_writers(path):
    """``[(line number, text)]`` of the lines of ``path`` that write a file directly."""
    rel = osp.relpath(path, ROOT)
    with open(path) as f:
        lines = f.read().splitlines()
    return [(i + 1, line.strip()) for i, line in enumerate(lines)
            if BARE_WRITER.search(line) and (rel, line.strip()) not in ALLOWED
            and not line.lstrip().startswith('#')]


def test_bare_writer_pattern_by_hand():
    hits = ["with open(p, 'w') as f:", 'open(osp.join(a, b), "wb")', "open(x, mode='a')",
            'cv2.imwrite(path, img)', 'torch.save(obj, f)', 'fig.savefig(p)',
            'json.dump(d, f)', 'np.savez(p, a=a)', 'sio.save_slp(labels, p)',
            'os.symlink(a, b)', 'cv2.VideoWriter(p, fourcc, 25, (w, h))']
    misses = ['open(p)', "open(p, 'rb')", 'json.dumps(d)', 'write_json(d, p)',
              'save_figure(fig, p)', "check_output(p, None, [], out, 'w')"]
    assert all(BARE_WRITER.search(h) for h in hits), [h for h in hits
                                                       if not BARE_WRITER.search(h)]
    assert not any(BARE_WRITER.search(m) for m in misses), [m for m in misses
                                                            if BARE_WRITER.search(m)]


@pytest.mark.parametrize('path', [p for p in FILES if not p.endswith(
    osp.join('projects', 'core', 'fileio.py'))], ids=lambda p: osp.relpath(p, ROOT))
def test_every_write_goes_through_fileio(path):
    found = bare_writers(path)
    assert not found, (f'{osp.relpath(path, ROOT)} writes directly: {found}; use '
                       'projects.core.fileio (write_json, write_image, write_via, ...)')

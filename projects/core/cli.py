"""Command-line conventions shared by PoseBridge's tools (docs/train_test.md, "Tool
conventions")."""
from typing import List, Optional, Sequence, Tuple


def parse_named(values: Sequence[str], parser, what: str = 'PATH') -> List[Tuple[str, str]]:
    """``['NAME=PATH', ...]`` -> ``[(NAME, PATH), ...]``, in the given order.

    The tools take several named inputs (result files, configs) as positional ``NAME=PATH``
    arguments; a name may hold spaces when quoted (``"Ours 2D=run.2d.json"``).

    Args:
        values (sequence of str): the positional arguments.
        parser (argparse.ArgumentParser): reports a malformed value with ``parser.error``
            (exit status 2), as argparse reports its own errors.
        what (str): what follows ``=``, for the message (``'CONFIG'``, ``'RESULT.json'``).

    Returns:
        list: ``(name, path)`` pairs.
    """
    pairs = []
    for v in values:
        name, sep, path = v.partition('=')
        if not sep or not name or not path:
            parser.error(f'{v!r}: expected NAME={what}')
        pairs.append((name, path))
    names = [n for n, _ in pairs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        parser.error(f'names given twice: {", ".join(dup)}')
    return pairs


def parse_frames(spec: Optional[str]) -> Optional[List[int]]:
    """A frame selection ``a:b[:step]`` (Python's ``range``) or ``i,j,k`` -> frame indices.

    Args:
        spec (str, optional): the selection; ``None`` selects every frame (returns ``None``).

    Returns:
        list: indices in the given order (ranges ascending).

    Raises:
        ValueError: a malformed selection (names it and the expected forms).
    """
    if spec is None:
        return None
    try:
        if ':' in spec:
            parts = [int(p) for p in spec.split(':')]
            if len(parts) not in (2, 3):
                raise ValueError
            return list(range(*parts))
        return [int(p) for p in spec.split(',')]
    except ValueError:
        raise ValueError(f'frames {spec!r}: expected a:b[:step] or i,j,k (integers)') from None


def checked_inputs(parser, args, out: str = 'out') -> List[str]:
    """The files named on a tool's command line (every string argument that is an existing
    file, except ``args.<out>``), after refusing ``args.<out>`` when it would replace one of
    them, a link or an existing file without ``args.overwrite``
    (:func:`projects.core.fileio.check_output`), before the tool does any work.

    Returns:
        list: the input files, to pass as ``sources`` to the writer.

    Raises:
        SystemExit: through ``parser.error``, naming the refused output and why.
    """
    import os.path as osp
    inputs = [v for k, v in vars(args).items()
              if k != out and isinstance(v, str) and osp.isfile(v)]
    if getattr(args, out, None):
        check_outputs(parser, [getattr(args, out)], inputs, None,
                      getattr(args, 'overwrite', False))
    return inputs


def check_out_folder(parser, folder: str, sources: Sequence[str] = (),
                     source_folders: Sequence[str] = ()) -> None:
    """Refuse, before a tool does any work, an output folder ``folder`` (its ``--out``) that
    is a file (one of the inputs ``sources`` or another), a link, or one of the folders the
    tool reads (``source_folders``) (:func:`projects.core.fileio.check_output_folder`).

    Raises:
        SystemExit: through ``parser.error``, naming the folder and why.
    """
    from .fileio import UnsafeOutputError, check_output_folder
    try:
        check_output_folder(folder, sources, source_folders)
    except UnsafeOutputError as e:
        parser.error(str(e))


def check_outputs(parser, paths: Sequence[str], sources: Sequence[str], root: Optional[str],
                  overwrite: bool) -> None:
    """Refuse, before a tool does any work, each of the files ``paths`` it is about to write
    into the folder ``root`` when it is one of ``sources`` (the inputs), a link, outside
    ``root``, or an existing file without ``overwrite``
    (:func:`projects.core.fileio.check_output`); and ``root`` itself when it is a file or a
    link (:func:`check_out_folder`).

    Raises:
        SystemExit: through ``parser.error``, naming the refused output and why.
    """
    from .fileio import UnsafeOutputError, check_output
    if root is not None:
        check_out_folder(parser, root, sources)
    for path in paths:
        try:
            check_output(path, None, sources, root, overwrite)
        except UnsafeOutputError as e:
            parser.error(str(e))

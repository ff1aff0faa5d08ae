r"""Offline transfer: a checkpoint trained on one keypoint definition, re-shaped for a config.

    python tools/model_converters/transfer_checkpoint.py SOURCE.pth TARGET_CONFIG --out OUT.pth \
        [--mode reinit_head|reinit_final|copy_mapped] [--mapping fly_to_honeybee] [--overwrite]

The target model is built from TARGET_CONFIG and initialised as training would (without
downloading a pretrained backbone: the source supplies it); the source's weights are
transferred as ``TransferInitHook`` does (``projects/core/models/transfer.py``) and the result
is saved as an MMEngine checkpoint for ``load_from`` (or ``tools/test.py``). OUT is checked
before anything is built: it must not be SOURCE or TARGET_CONFIG, a link, or an existing file
(unless ``--overwrite``); it is written atomically.
"""
import argparse
import os.path as osp

import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('source', help='source checkpoint')
    parser.add_argument('config', help='config of the target model')
    parser.add_argument('--out', required=True, help='output checkpoint')
    parser.add_argument('--mode', default='reinit_head',
                        choices=['reinit_head', 'reinit_final', 'copy_mapped'])
    parser.add_argument('--mapping', help='keypoint mapping name (projects.core.keypoints)')
    parser.add_argument('--seed', type=int, default=0, help='seed of the fresh layers')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing OUT')
    args = parser.parse_args(argv)

    from mmengine.config import Config
    from mmengine.registry import DefaultScope, init_default_scope
    from mmpose.registry import MODELS

    from projects.core.keypoints import build_mapping
    from projects.core.models import (load_source_state_dict, per_keypoint_layers, summarize,
                                      transfer_state_dict)

    from projects.core.fileio import UnsafeOutputError, check_output, save_checkpoint
    inputs = [args.source, args.config]
    try:
        check_output(args.out, None, inputs, None, args.overwrite)
    except UnsafeOutputError as e:
        parser.error(str(e))
    cfg = Config.fromfile(args.config)
    if cfg.get('custom_imports'):
        from mmengine.utils import import_modules_from_strings
        import_modules_from_strings(**cfg.custom_imports)
    if DefaultScope.get_current_instance() is None:
        init_default_scope(cfg.get('default_scope', 'mmpose'))
    if cfg.model.get('backbone', {}).get('init_cfg'):
        cfg.model.backbone.init_cfg = None  # the source provides the backbone
    torch.manual_seed(args.seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    mapping = build_mapping(args.mapping) if args.mapping else None
    source = load_source_state_dict(args.source)
    new, report = transfer_state_dict(source, model.state_dict(), args.mode,
                                      per_keypoint_layers(model.head), mapping)
    save_checkpoint(dict(state_dict=new, meta=dict(transfer=dict(
        source=osp.abspath(args.source), config=args.config, mode=args.mode,
        mapping=args.mapping, channels=report['channels']))), args.out, inputs, None,
        args.overwrite)
    for line in summarize(report):
        print(line)
    print(f'written {args.out}')


if __name__ == '__main__':
    main()

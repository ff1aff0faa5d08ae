"""Every config under configs/ parses, and its model builds and runs a forward pass."""
import glob
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmpose.registry import MODELS

import projects.semimultipose  # noqa: F401

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', 'semimultipose', '*', '*.py')))
METHODS = ('directpose', 'semimultipose-labeled', 'semimultipose')
# (dataset folder, the part of the name after the method): one trio per dataset and budget
TRIOS = [('honeybee', 'resnet50-fpn_15k_honeybee-1280x736'),
         ('honeybee', 'mobilenetv2-fpn_cpu-demo_honeybee-640x384'),
         ('honeybee', 'mobilenetv2-fpn_cpu-30min_honeybee-640x384'),
         ('fly', 'resnet50-fpn_15k_fly-1024x1024'),
         ('fly', 'mobilenetv2-fpn_cpu-demo_fly-512x512'),
         ('fly', 'mobilenetv2-fpn_cpu-30min_fly-512x512'),
         ('mouse_pup', 'resnet50-fpn_40k_mouse-pup-1024x1024')]


# configs beside the trios
OTHERS = ['honeybee/directpose_mobilenetv2-fpn_cpu-demo-fly-transfer_honeybee-640x384.py']
RECIPE = 'honeybee/directpose_mobilenetv2-fpn_cpu-30min_honeybee-640x384.py'


def test_cpu_recipe_changes_only_what_it_says():
    """The 30-minute recipe is the DirectPose demo plus bfloat16 mixed precision, a
    channels-last network, a longer schedule, any rotation, B1 on a twice-finer grid,
    Gaussian B1 targets under a cross-entropy, the heatmap refinement, 300 candidates before grouping and heatmap
    rescoring; nothing else."""
    demo = Config.fromfile(osp.join(ROOT, 'configs', 'semimultipose', 'honeybee',
                                    'directpose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py'))
    rec = Config.fromfile(osp.join(ROOT, 'configs', 'semimultipose', RECIPE))
    dec = dict(rec.model.head.decoder)
    assert dec.pop('refine_radius') == 4.0 and dec.pop('refine_thr') == 0.1
    assert dec.pop('heatmap_sigma') == 1.5 and dec.pop('subcell') == 'dark'
    assert dec.pop('keypoint_heatmap_scale') == 2 and dec.pop('max_candidates') == 300
    assert dec.pop('rescore') == 'geometric'
    assert dec == demo.model.head.decoder and 'refine_radius' not in demo.model.head.decoder
    # B1's loss: gamma 0, kappa 0.5, x2 = binary cross-entropy over the target mass
    assert rec.model.head.loss_keypoint == dict(type='DirectPoseFocalLoss', gamma=0.0,
                                                kappa=0.5, loss_weight=2.0)
    enc = [t for t in rec.train_dataloader.dataset.pipeline if t.type == 'GenerateTarget'][0]
    assert enc.encoder == rec.model.head.decoder
    rec.model.head.decoder = demo.model.head.decoder
    rec.model.head.loss_keypoint = demo.model.head.loss_keypoint
    # the fusion target of the SemiMultiPose recipe it inherits (G~ a Gaussian of sigma 1.5
    # stride-4 cells under the same cross-entropy), read only when alpha or beta > 0, which
    # DirectPose's hook keeps 0
    assert (rec.model.head.fusion_shape, rec.model.head.fusion_sigma,
            rec.model.head.fusion_radius) == ('gaussian', 1.5, 5)
    assert rec.model.head.loss_fusion == dict(type='DirectPoseFocalLoss', gamma=0.0,
                                              kappa=0.5, loss_weight=2.0)
    hook = [h for h in rec.custom_hooks if h.type == 'SemiMultiPoseHook'][0]
    assert hook.alpha == 0 and hook.beta == 0
    for key in ('fusion_shape', 'fusion_sigma', 'fusion_radius', 'loss_fusion'):
        rec.model.head[key] = demo.model.head.get(key)
        if demo.model.head.get(key) is None:
            del rec.model.head[key]
    # the network channels-last in every mode (the estimator's option, off in the demo)
    assert rec.model.pop('channels_last') is True and 'channels_last' not in demo.model
    assert rec.model == demo.model
    # the demo's AdamW and clipping, in bfloat16 mixed precision and channels-last format
    opt = dict(rec.optim_wrapper)
    assert opt.pop('type') == 'CPUAmpOptimWrapper' and opt.pop('channels_last') is True
    assert opt == demo.optim_wrapper and 'type' not in demo.optim_wrapper

    assert rec.train_cfg.max_iters == 2400 and rec.param_scheduler[1].end == 2400
    rd, dd = rec.train_dataloader, demo.train_dataloader
    assert rd.batch_size == dd.batch_size == 4 and rd.dataset.ann_file == dd.dataset.ann_file
    aff = [t for t in rd.dataset.pipeline if t.type == 'BottomupRandomAffine'][0]
    assert aff.rotate_factor == 180


def test_fly_recipe_is_the_fly_demo_with_the_honeybee_recipe_changes():
    """The fly recipe trio adds to the fly demo exactly what the honeybee recipe adds to the
    honeybee demo (codec, B1 loss, fusion target), any rotation in all three streams and its own
    schedule; data, model and optimiser are otherwise the fly demo's."""
    def load(folder, name):
        return Config.fromfile(osp.join(ROOT, 'configs', 'semimultipose', folder, name))

    fly_demo = load('fly', 'semimultipose_mobilenetv2-fpn_cpu-demo_fly-512x512.py')
    fly_rec = load('fly', 'semimultipose_mobilenetv2-fpn_cpu-30min_fly-512x512.py')
    hb_demo = load('honeybee', 'semimultipose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py')
    hb_rec = load('honeybee', 'semimultipose_mobilenetv2-fpn_cpu-30min_honeybee-640x384.py')

    def added(rec, demo):
        return {k: v for k, v in rec.items() if demo.get(k) != v}

    assert added(fly_rec.model.head.decoder, fly_demo.model.head.decoder) == added(
        hb_rec.model.head.decoder, hb_demo.model.head.decoder)
    head_changes = added(fly_rec.model.head, fly_demo.model.head)
    head_changes.pop('decoder')
    hb_head = added(hb_rec.model.head, hb_demo.model.head)
    hb_head.pop('decoder')
    assert head_changes == hb_head and head_changes  # losses and fusion target
    for key in ('backbone', 'neck'):
        assert fly_rec.model[key] == fly_demo.model[key]
    assert fly_rec.optim_wrapper == fly_demo.optim_wrapper
    assert fly_rec.train_cfg.max_iters == fly_rec.param_scheduler[1].end == 1200
    assert [(h.fl_start, h.fu_start) for h in fly_rec.custom_hooks] == [(160, 400)]
    labeled, unlabeled = fly_rec.train_dataloader.dataset.datasets
    demo_labeled, demo_unlabeled = fly_demo.train_dataloader.dataset.datasets
    streams = [labeled] + list(unlabeled.datasets)
    demo_streams = [demo_labeled] + list(demo_unlabeled.datasets)
    for stream, demo_stream in zip(streams, demo_streams):
        aff = [t for t in stream.pipeline if t.type == 'BottomupRandomAffine'][0]
        demo_aff = [t for t in demo_stream.pipeline if t.type == 'BottomupRandomAffine'][0]
        assert aff.rotate_factor == 180 and demo_aff.rotate_factor == 30
        assert aff.scale_factor == demo_aff.scale_factor  # the second video keeps its zoom
        stream = {k: v for k, v in stream.items() if k != 'pipeline'}
        assert stream == {k: v for k, v in demo_stream.items() if k != 'pipeline'}


@pytest.mark.parametrize('folder,paper,demo', [
    ('honeybee', 'resnet50-fpn_15k_honeybee-1280x736', 'mobilenetv2-fpn_cpu-demo_honeybee-640x384'),
    ('fly', 'resnet50-fpn_15k_fly-1024x1024', 'mobilenetv2-fpn_cpu-demo_fly-512x512')])
def test_cpu_demo_is_the_paper_config_with_the_cpu_departures(folder, paper, demo):
    """A CPU demo reads its paper config's data and evaluators (streams, annotation files,
    second video) at its own input size, and changes the model, codec and schedule exactly as
    the shared `configs/_base_/semimultipose_cpu_demo.py` says, the same for every dataset."""
    def load(name):
        return Config.fromfile(osp.join(ROOT, 'configs', 'semimultipose', folder,
                                        f'semimultipose_{name}.py'))

    pap, dem = load(paper), load(demo)
    cpu = Config.fromfile(osp.join(ROOT, 'configs', '_base_', 'semimultipose_cpu_demo.py'))
    assert dem.val_evaluator == pap.val_evaluator and dem.test_evaluator == pap.test_evaluator

    def streams(cfg):
        labeled, unlabeled = cfg.train_dataloader.dataset.datasets
        return [labeled] + list(unlabeled.get('datasets', [unlabeled]))

    def without(d, *keys):
        return {k: v for k, v in d.items() if k not in keys}

    assert len(streams(dem)) == len(streams(pap))
    for s_dem, s_pap in zip(streams(dem), streams(pap)):
        assert without(s_dem, 'pipeline') == without(s_pap, 'pipeline')
        aff = [t for t in s_dem.pipeline if t.type == 'BottomupRandomAffine'][0]
        aff_pap = [t for t in s_pap.pipeline if t.type == 'BottomupRandomAffine'][0]
        assert tuple(aff.input_size) == tuple(dem.input_size) != tuple(aff_pap.input_size)
        assert without(aff, 'input_size') == without(aff_pap, 'input_size')
    assert without(dem.val_dataloader.dataset, 'pipeline') == without(
        pap.val_dataloader.dataset, 'pipeline')
    dec, dec_pap = dem.model.head.decoder, pap.model.head.decoder
    assert dec.center_radius == cpu.cpu_codec_options['center_radius'] == 2
    assert without(dec, 'input_size', 'heatmap_size', 'center_radius') == without(
        dec_pap, 'input_size', 'heatmap_size')
    assert dem.model.backbone == without(cpu.cpu_backbone, '_delete_')
    assert dem.model.neck == dict(pap.model.neck, **cpu.cpu_neck)
    assert without(dem.model.head, 'decoder') == dict(without(pap.model.head, 'decoder'),
                                                      **cpu.cpu_head_options)
    assert dem.optim_wrapper == without(cpu.cpu_optim_wrapper, '_delete_')
    assert dem.param_scheduler == cpu.cpu_param_scheduler
    assert dem.custom_hooks == cpu.cpu_custom_hooks
    assert dem.train_cfg.max_iters == cpu.cpu_max_iters == 1000


def test_configs_found():
    expected = {osp.join(ROOT, 'configs', 'semimultipose', d, f'{m}_{rest}.py')
                for d, rest in TRIOS for m in METHODS}
    expected |= {osp.join(ROOT, 'configs', 'semimultipose', o) for o in OTHERS}
    assert expected == set(CONFIGS)


@pytest.mark.parametrize('folder,rest', TRIOS, ids=lambda x: x)
def test_trio_differs_only_in_fusion_weights_and_unlabeled_stream(folder, rest):
    cfgs = {m: Config.fromfile(osp.join(ROOT, 'configs', 'semimultipose', folder,
                                        f'{m}_{rest}.py')) for m in METHODS}
    smp = cfgs['semimultipose']
    # each variant inherits the SemiMultiPose config of its trio
    for m in METHODS[:2]:
        with open(osp.join(ROOT, 'configs', 'semimultipose', folder, f'{m}_{rest}.py')) as f:
            assert f"_base_ = ['./semimultipose_{rest}.py']" in f.read()
    for m, cfg in cfgs.items():
        assert cfg.model == smp.model and cfg.val_evaluator == smp.val_evaluator
        assert cfg.optim_wrapper == smp.optim_wrapper
        assert cfg.param_scheduler == smp.param_scheduler and cfg.train_cfg == smp.train_cfg
    hooks = {m: cfgs[m].custom_hooks[0] for m in METHODS}
    assert all(h.type == 'SemiMultiPoseHook' for h in hooks.values())
    # DirectPose: alpha = beta = 0; SemiMultiPose-labeled: beta = 0; SemiMultiPose: both on
    assert hooks['directpose'].alpha == 0 and hooks['directpose'].beta == 0
    assert hooks['semimultipose-labeled'].alpha == hooks['semimultipose'].alpha == 0.01
    assert hooks['semimultipose-labeled'].fl_start == hooks['semimultipose'].fl_start
    assert hooks['semimultipose-labeled'].beta == 0 and hooks['semimultipose'].beta == 0.1
    assert hooks['semimultipose'].fu_start > hooks['semimultipose'].fl_start
    # the same labeled set; only SemiMultiPose has the unlabeled stream
    labeled, unlabeled = smp.train_dataloader.dataset.datasets
    assert smp.train_dataloader.sampler.type == 'mmdet.MultiSourceSampler'
    assert unlabeled.type in ('UnlabeledFrameDataset', 'ConcatDataset')
    for m in METHODS[:2]:
        assert cfgs[m].train_dataloader.dataset == labeled
        assert cfgs[m].train_dataloader.sampler.type == 'InfiniteSampler'


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.custom_imports.imports == ['projects.semimultipose']
    assert cfg.data_mode == 'bottomup'  # MMPose's inferencers and tools/predict.py read it
    cfg.model.backbone.init_cfg = None  # no download
    model = MODELS.build(cfg.model)
    model.init_weights()
    codec = cfg.model.head.decoder
    w, h = codec.input_size
    assert (w // codec.heatmap_size[0], h // codec.heatmap_size[1]) == (8, 8)
    with torch.no_grad():
        a, b, d = model.head(model.extract_feat(torch.zeros(1, 3, 64, 96)))
    k = cfg.model.head.num_keypoints
    f = codec.get('keypoint_heatmap_scale', 1)  # B1's grid is f times finer (the CPU recipe)
    assert a.shape == (1, k, 8 * f, 12 * f) and b.shape == d.shape[:1] + (k, 8, 12)
    assert d.shape == (1, 2 * k, 8, 12)


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_validates_on_val_and_tests_on_test(path):
    """Choices (save_best, decoding) are made on validation frames; the test frames are read
    only by the test loader and the test evaluators, which read the same pipeline."""
    cfg = Config.fromfile(path)
    data = cfg.data_root.rstrip('/').split('/')[-1]
    val_ann, test_ann = f'annotations/{data}_val.json', f'annotations/{data}_test.json'
    assert cfg.val_dataloader.dataset.ann_file == val_ann
    assert cfg.test_dataloader.dataset.ann_file == test_ann
    assert cfg.test_dataloader.dataset.pipeline == cfg.val_dataloader.dataset.pipeline
    assert cfg.test_dataloader.dataset.type == cfg.val_dataloader.dataset.type
    assert [e.ann_file for e in cfg.val_evaluator] == [cfg.data_root + val_ann] * \
        len(cfg.val_evaluator)
    assert [e.ann_file for e in cfg.test_evaluator] == [cfg.data_root + test_ann] * \
        len(cfg.val_evaluator)
    # the same metrics on both, with their prefixes and OKS settings
    assert [dict(e, ann_file=None) for e in cfg.test_evaluator] == \
        [dict(e, ann_file=None) for e in cfg.val_evaluator]
    assert cfg.default_hooks.checkpoint.save_best == 'coco/AP'
    # no training stream reads the validation or test frames
    stack = [cfg.train_dataloader.dataset]
    while stack:
        d = stack.pop()
        stack += list(d.get('datasets', []))
        assert d.get('ann_file') not in (val_ann, test_ann)


CROSS = sorted(glob.glob(osp.join(ROOT, 'configs', 'cross_species', '*.py')))


@pytest.mark.parametrize('path', CROSS, ids=osp.basename)
def test_cross_species_configs_build(path):
    cfg = Config.fromfile(path)
    assert cfg.custom_imports.imports == ['projects.cross_species']
    assert cfg.data_mode == 'topdown'
    import projects.cross_species  # noqa: F401
    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    k = 17 if 'macaque-256x192' in path or 'baseline-macaque' in path else 16
    assert model.head.final_layer.out_channels == k


def test_transfer_config_is_the_papers():
    cfg = Config.fromfile(osp.join(
        ROOT, 'configs', 'cross_species',
        'td-hm_res50_transfer-macaque_8xb8-210e_mpii1000-256x256.py'))
    hook = cfg.custom_hooks[0]
    assert hook.type == 'TransferInitHook' and hook.mode == 'reinit_head'
    assert cfg.train_dataloader.batch_size == 8
    assert cfg.train_dataloader.dataset.ann_file.endswith('mpii_single-1000-s0_train.json')
    base = Config.fromfile(osp.join(ROOT, 'configs', 'cross_species',
                                    'td-hm_res50_baseline-macaque_mpii-256x192.py'))
    assert base.test_evaluator[0].mapping == 'macaque_to_mpii'


INFANT = sorted(glob.glob(osp.join(ROOT, 'configs', 'infant3d', '*.py')))


@pytest.mark.parametrize('path', INFANT, ids=osp.basename)
def test_infant3d_configs_build(path):
    cfg = Config.fromfile(path)
    cfg.model.backbone.init_cfg = None
    if 'faster-rcnn' in path:
        from mmdet.registry import MODELS as DET_MODELS
        from mmdet.utils import register_all_modules
        register_all_modules(init_default_scope=False)
        model = DET_MODELS.build(cfg.model)
        n = 1 if 'infant' in osp.basename(path) else 80
        assert model.roi_head.bbox_head.num_classes == n
        return
    import projects.infant3d  # noqa: F401
    assert cfg.custom_imports.imports == ['projects.infant3d']
    model = MODELS.build(cfg.model)
    if 'td-hm' in path:
        assert model.head.final_layer.out_channels == 16
        assert cfg.codec.heatmap_size == (64, 64) and cfg.codec.input_size == (256, 256)
    else:  # Martinez lifter: 16 x 2 in, 16 x 3 out
        with torch.no_grad():
            out = model.head(model.backbone(torch.zeros(2, 32, 1)))
        assert out.shape == (2, 16, 3)


def test_infant3d_fine_tunes_differ_only_by_checkpoint_and_lr():
    pairs = [('td-hm_res50_8xb32-40e_mini-rgbd-256x256.py',
              'td-hm_res50_mpii-ft_8xb32-40e_mini-rgbd-256x256.py'),
             ('image-pose-lift_tcn_8xb64-100e_mini-rgbd.py',
              'image-pose-lift_tcn_3dhp-ft_8xb64-100e_mini-rgbd.py')]
    for base, ft in pairs:
        a = Config.fromfile(osp.join(ROOT, 'configs', 'infant3d', base)).to_dict()
        b = Config.fromfile(osp.join(ROOT, 'configs', 'infant3d', ft)).to_dict()
        assert b['load_from'] and not a.get('load_from')
        diff = {k for k in set(a) | set(b) if a.get(k) != b.get(k)}
        assert diff == {'load_from', 'optim_wrapper'}, (ft, diff)


def test_lifter_targets_are_root_relative(shared_data):
    """The lifter's training pipeline on real MPI-INF-3DHP samples mapped to MPII-16."""
    from mmengine.dataset import Compose
    import projects.infant3d  # noqa: F401
    from projects.infant3d.datasets import MpiInf3dhpDataset
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'infant3d',
                                   'image-pose-lift_tcn_8xb64-200e_mpi-inf-3dhp-mpii16.py'))
    ds = MpiInf3dhpDataset(ann_file='test_3dhp_train.npz', data_root=osp.join(
        shared_data, 'mmpose_samples', 'mpi_inf_3dhp'), metainfo=cfg.mpii_info,
        mapping='mpi_inf_3dhp_to_mpii')
    raw = ds[0]
    out = Compose(cfg.train_pipeline)(ds[0])
    label = out['data_samples'].gt_instance_labels.lifting_target_label.numpy()
    assert label.shape == (1, 16, 3)
    np.testing.assert_allclose(label[0, 6], 0, atol=1e-6)  # the pelvis is the origin
    np.testing.assert_allclose(label[0] + raw['lifting_target'][0, 6],
                               raw['lifting_target'][0], atol=1e-5)
    assert out['inputs'].shape == (32, 1)  # 16 joints x (x, y) in box coordinates
    assert np.abs(out['inputs'].numpy()).max() <= 1.0 + 1e-6


@pytest.mark.parametrize('name', ['semimultipose_mobilenetv2-fpn_cpu-demo_fly-512x512.py',
                                  'semimultipose_resnet50-fpn_15k_fly-1024x1024.py'])
def test_fly_second_video_is_seen_at_the_clip_scale(name, shared_data):
    """The 384x384 video's flies must have the 1024x1024 clip's pixel size in the input."""
    from projects.core.datasets.video import video_info
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'semimultipose', 'fly', name))
    labeled, unlabeled = cfg.train_dataloader.dataset.datasets
    clip_stream, video_stream = unlabeled.datasets

    def affine(pipeline):
        return [t for t in pipeline if t.type == 'BottomupRandomAffine'][0]

    clip_w = video_info(osp.join(shared_data, 'fly', 'clip.mp4'))[1]
    video_w = video_info(osp.join(shared_data, 'fly', 'centered_pair_low_quality.mp4'))[1]
    assert (clip_w, video_w) == (1024, 384)
    for clip_pipe in (labeled.pipeline, clip_stream.pipeline):
        ratio = np.divide(affine(video_stream.pipeline).scale_factor,
                          affine(clip_pipe).scale_factor)
        np.testing.assert_allclose(ratio, clip_w / video_w)

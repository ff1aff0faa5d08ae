# DirectPose on honeybees at the CPU budget, initialised from the same network trained on the
# fly clip (cross-species transfer): backbone, neck and head towers copied; the B1, B2
# and B3 channels of Head, Thorax and Tail copied from the fly's head, thorax and abdomen
# (mapping 'fly_to_honeybee'); RAnt and LAnt start fresh. Make the source with
#   python tools/train.py configs/semimultipose/fly/directpose_mobilenetv2-fpn_cpu-demo_fly-512x512.py \
#       --cfg-options train_dataloader.dataset.ann_file=annotations/fly_train_full.json
_base_ = ['./directpose_mobilenetv2-fpn_cpu-demo_honeybee-640x384.py']

source_checkpoint = 'work_dirs/directpose_mobilenetv2-fpn_cpu-demo_fly-512x512/iter_*.pth'
custom_hooks = [
    dict(type='SemiMultiPoseHook', alpha=0.0, beta=0.0, fl_start=None, fu_start=None),
    dict(type='TransferInitHook', checkpoint=source_checkpoint, mode='copy_mapped',
         mapping='fly_to_honeybee'),
]

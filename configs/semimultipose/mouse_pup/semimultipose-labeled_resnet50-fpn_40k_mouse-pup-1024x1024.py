# SemiMultiPose-labeled (Blau et al., section 5): the fusion loss on labeled frames only
# (alpha * L_fl from iteration 8k, beta = 0, no unlabeled stream); batch 3 labeled frames.
_base_ = ['./semimultipose_resnet50-fpn_40k_mouse-pup-1024x1024.py']

# labeled frames only: the base's loader settings for one stream
train_dataloader = dict(_base_.labeled_only_loader, _delete_=True, batch_size=3,
                        dataset=_base_.labeled_dataset)
custom_hooks = [dict(type='SemiMultiPoseHook', alpha=0.01, beta=0.0, fl_start=8000,
                     fu_start=None)]

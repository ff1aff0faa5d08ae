# Mouse pups (SemiMultiPose, Blau et al., section 5): three keypoints per pup. The data set is
# unpublished; this definition lets configs and tests run on frames that users supply.
# The paper's OKS uses a single sigma^2 = 1 (KeypointAP's `oks_stddev=1.0`).
dataset_info = dict(
    dataset_name='mouse_pup',
    paper_info=dict(
        author='Blau, Ari and Gebhardt, Christoph and Bendesky, Andres and '
        'Paninski, Liam and Wu, Anqi',
        title='SemiMultiPose: A Semi-supervised Multi-animal Pose Estimation '
        'Framework',
        container='arXiv:2204.07072',
        year='2022',
        homepage='https://github.com/ablau100/SemiMultiPose',
    ),
    keypoint_info={
        0: dict(name='head', id=0, color=[51, 153, 255], type='upper', swap=''),
        1: dict(name='torso', id=1, color=[0, 255, 0], type='upper', swap=''),
        2: dict(name='rump', id=2, color=[255, 128, 0], type='lower', swap=''),
    },
    skeleton_info={
        0: dict(link=('head', 'torso'), id=0, color=[51, 153, 255]),
        1: dict(link=('torso', 'rump'), id=1, color=[255, 128, 0]),
    },
    joint_weights=[1.0, 1.0, 1.0],
    sigmas=[0.1, 0.1, 0.1],
)

# Two-fly courtship clips from SLEAP (Pereira et al. 2022; github.com/talmolab/sleap test data):
# the 13-node skeleton of clip.slp, nodes in sleap-io's skeleton order, edges as in the file
# (every limb tip and the head hang off the thorax; both eyes off the head).
# SemiMultiPose's fly OKS uses a single sigma^2 = 0.025, which is SLEAP's default `stddev`
# (KeypointAP's `oks_stddev=0.025`); the per-keypoint sigmas below serve MMPose's
# CocoMetric and are the same value.
dataset_info = dict(
    dataset_name='fly',
    paper_info=dict(
        author='Pereira, Talmo D. and Tabris, Nathaniel and Matsliah, Arie and '
        'Turner, David M. and others',
        title='SLEAP: A deep learning system for multi-animal pose tracking',
        container='Nature Methods',
        year='2022',
        homepage='https://github.com/talmolab/sleap',
    ),
    keypoint_info={
        0: dict(name='head', id=0, color=[51, 153, 255], type='upper', swap=''),
        1: dict(name='thorax', id=1, color=[0, 255, 0], type='upper', swap=''),
        2: dict(name='abdomen', id=2, color=[255, 128, 0], type='lower', swap=''),
        3: dict(name='wingL', id=3, color=[0, 255, 255], type='upper', swap='wingR'),
        4: dict(name='wingR', id=4, color=[255, 0, 255], type='upper', swap='wingL'),
        5: dict(name='forelegL4', id=5, color=[0, 255, 255], type='upper', swap='forelegR4'),
        6: dict(name='forelegR4', id=6, color=[255, 0, 255], type='upper', swap='forelegL4'),
        7: dict(name='midlegL4', id=7, color=[0, 255, 255], type='lower', swap='midlegR4'),
        8: dict(name='midlegR4', id=8, color=[255, 0, 255], type='lower', swap='midlegL4'),
        9: dict(name='hindlegL4', id=9, color=[0, 255, 255], type='lower', swap='hindlegR4'),
        10: dict(name='hindlegR4', id=10, color=[255, 0, 255], type='lower', swap='hindlegL4'),
        11: dict(name='eyeL', id=11, color=[0, 255, 255], type='upper', swap='eyeR'),
        12: dict(name='eyeR', id=12, color=[255, 0, 255], type='upper', swap='eyeL'),
    },
    skeleton_info={
        0: dict(link=('thorax', 'head'), id=0, color=[51, 153, 255]),
        1: dict(link=('thorax', 'abdomen'), id=1, color=[255, 128, 0]),
        2: dict(link=('thorax', 'wingL'), id=2, color=[0, 255, 255]),
        3: dict(link=('thorax', 'wingR'), id=3, color=[255, 0, 255]),
        4: dict(link=('thorax', 'forelegL4'), id=4, color=[0, 255, 255]),
        5: dict(link=('thorax', 'forelegR4'), id=5, color=[255, 0, 255]),
        6: dict(link=('thorax', 'midlegL4'), id=6, color=[0, 255, 255]),
        7: dict(link=('thorax', 'midlegR4'), id=7, color=[255, 0, 255]),
        8: dict(link=('thorax', 'hindlegL4'), id=8, color=[0, 255, 255]),
        9: dict(link=('thorax', 'hindlegR4'), id=9, color=[255, 0, 255]),
        10: dict(link=('head', 'eyeL'), id=10, color=[0, 255, 255]),
        11: dict(link=('head', 'eyeR'), id=11, color=[255, 0, 255]),
    },
    joint_weights=[1.0] * 13,
    sigmas=[0.025] * 13,
)

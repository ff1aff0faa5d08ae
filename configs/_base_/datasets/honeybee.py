# Honeybee hive-ramp keypoints (Rodriguez et al. 2018; github.com/piperod/beepose), as used by
# SemiMultiPose (Blau et al.). One definition for both published layouts: the converter maps the
# spellings Torax / Rant / RAnt / Lant / LAnt onto these names.
# OKS sigmas: no per-keypoint annotator study exists for bees; a uniform 0.1 is used for
# MMPose's CocoMetric. The paper's single-sigma OKS (sigma^2 = 1) is the `oks_stddev` option of
# posebridge's KeypointAP.
dataset_info = dict(
    dataset_name='honeybee',
    paper_info=dict(
        author='Rodriguez, Ivan F. and Megret, Remi and Acuna, Edgar and '
        'Agosto-Rivera, Jose L. and Giray, Tugrul',
        title='Recognition of pollen-bearing bees from video using '
        'convolutional neural network',
        container='IEEE Winter Conference on Applications of Computer Vision',
        year='2018',
        homepage='https://github.com/piperod/beepose',
    ),
    keypoint_info={
        0: dict(name='Tail', id=0, color=[255, 128, 0], type='lower', swap=''),
        1: dict(name='Head', id=1, color=[51, 153, 255], type='upper', swap=''),
        2: dict(name='Thorax', id=2, color=[0, 255, 0], type='upper', swap=''),
        3: dict(name='RAnt', id=3, color=[255, 0, 255], type='upper', swap='LAnt'),
        4: dict(name='LAnt', id=4, color=[0, 255, 255], type='upper', swap='RAnt'),
    },
    # published (1-based) skeleton [[1, 3], [3, 2], [2, 4], [2, 5]]
    skeleton_info={
        0: dict(link=('Tail', 'Thorax'), id=0, color=[255, 128, 0]),
        1: dict(link=('Thorax', 'Head'), id=1, color=[0, 255, 0]),
        2: dict(link=('Head', 'RAnt'), id=2, color=[255, 0, 255]),
        3: dict(link=('Head', 'LAnt'), id=3, color=[0, 255, 255]),
    },
    joint_weights=[1.0, 1.0, 1.0, 1.0, 1.0],
    sigmas=[0.1, 0.1, 0.1, 0.1, 0.1],
)

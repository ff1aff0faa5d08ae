from setuptools import find_packages, setup

setup(
    name='posebridge',
    version='0.1.0',
    description='MMPose projects for pose estimation with scarce labels',
    packages=find_packages(include=['projects', 'projects.*']),
    python_requires='>=3.10',
)

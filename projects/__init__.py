"""PoseBridge: MMPose projects for pose estimation with scarce labels."""

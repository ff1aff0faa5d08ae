from .mapping import (FLY_TO_HONEYBEE_RULES, MACAQUE_TO_MPII_RULES, MAPPINGS,
                      MINI_RGBD_TO_MPII_RULES, KeypointMapping, build_mapping, keypoint_names)

__all__ = ['KeypointMapping', 'build_mapping', 'keypoint_names', 'MAPPINGS',
           'MACAQUE_TO_MPII_RULES', 'FLY_TO_HONEYBEE_RULES', 'MINI_RGBD_TO_MPII_RULES']

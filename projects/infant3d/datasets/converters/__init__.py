from .mini_rgbd import mini_rgbd_to_coco

__all__ = ['mini_rgbd_to_coco']

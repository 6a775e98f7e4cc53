"""Pages of 成长聚能 (officials' pages and the worker's phone pages)."""

from gefeng.skills.views import apprentices, competitions, innovations, training, worker

__all__ = ["apprentices", "competitions", "innovations", "training", "worker"]

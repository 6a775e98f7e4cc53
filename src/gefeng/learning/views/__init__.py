"""Pages of 引领聚魂, by section: study supervision, contests (organiser), the worker's phone
pages, and the registers."""

from gefeng.learning.views import contests, phone, registers, study

__all__ = ["contests", "phone", "registers", "study"]

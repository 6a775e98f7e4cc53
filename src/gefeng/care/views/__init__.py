"""Pages of 帮扶, along the module's sections (re-exported for `care.urls`)."""

from gefeng.care.views import aid, campaigns, files, funds, notices, pension, worker

__all__ = ["aid", "campaigns", "files", "funds", "notices", "pension", "worker"]

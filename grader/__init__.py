from .check import check, CheckResult

__all__ = ["check", "CheckResult"]

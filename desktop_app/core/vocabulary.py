"""The officers' fixed lists: each value is stored as its text, each has the label they read."""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.replace("_", " ").capitalize())

    @classmethod
    def from_label(cls, text: str) -> "_Labelled":
        wanted = text.strip().casefold()
        for member in cls:
            if wanted in (member.value.casefold(), member.label.casefold()):
                return member
        choices = ", ".join(m.label for m in cls)
        raise ValueError(f"'{text}' is not a {cls.__doc__ or cls.__name__}: choose one of {choices}")


class OrganisationType(_Labelled):
    """type of organisation"""

    CVSE = "cvse"
    LOCAL_AUTHORITY = "local_authority"
    HOSPITAL_TRUST = "hospital_trust"
    OTHER_PUBLIC = "other_public"
    PRIVATE = "private"


class Scope(_Labelled):
    """scope"""

    NATIONAL = "national"
    REGIONAL = "regional"
    LOCAL = "local"


class AgreementType(_Labelled):
    """agreement type"""

    CONTRACT = "contract"
    GRANT = "grant"


class ReturnStatus(_Labelled):
    """return status"""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    LOCKED = "locked"


class IndicatorUnit(_Labelled):
    """indicator unit"""

    COUNT = "count"
    PERCENT = "percent"
    DAYS = "days"
    RATE = "rate"


class Direction(_Labelled):
    """direction"""

    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN = "maintain"
    BELOW_BASELINE = "below_baseline"
    MONITOR = "monitor"


class Frequency(_Labelled):
    """frequency"""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class AuditAction(_Labelled):
    """audit action"""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


class ClaimStatus(_Labelled):
    """claim status"""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    QUERIED = "queried"


_LABELS = {
    OrganisationType.CVSE: "CVSE",
    OrganisationType.LOCAL_AUTHORITY: "Local authority",
    OrganisationType.HOSPITAL_TRUST: "Hospital trust",
    OrganisationType.OTHER_PUBLIC: "Other public body",
    OrganisationType.PRIVATE: "Private",
    IndicatorUnit.PERCENT: "%",
    Direction.INCREASE: "Increase",
    Direction.DECREASE: "Decrease",
    Direction.MAINTAIN: "Maintain",
    Direction.BELOW_BASELINE: "Keep below baseline",
    Direction.MONITOR: "Monitor only",
}

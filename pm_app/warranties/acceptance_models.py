"""Joint completion acceptance (联合竣工验收) of a renovation project, and the documents handed over
with it.

Seed 001: "实行由居民代表、相关单位等共同参与的联合验收制度"; seed 002: "待整改合格后重新予以验收";
seed 004 §六(七) and §十: the district's own acceptance (自验收) first, then the city-wide
comprehensive acceptance (综合验收), then "做好竣工项目的资料整理、归档和移交工作". Seed 002 says what
goes missing: "有的只有总平图却缺失地下综合管线图".

An acceptance is one dated meeting: its stage, its participants by role, its result, and (when it
fails) the defects to rectify, each with a deadline. A later acceptance that passes closes them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pm_app.common.types import UTCDateTime, value_enum
from pm_app.extensions import db


class AcceptanceStage(str, enum.Enum):
    district_self = "self"  # 区级自验收
    comprehensive = "comprehensive"  # 市级综合验收


class AcceptanceResult(str, enum.Enum):
    passed = "passed"  # 验收合格
    failed = "failed"  # 不合格，待整改后重新验收


class ParticipantRole(str, enum.Enum):
    district = "district"  # 区级相关部门
    builder = "builder"  # 建设单位（项目单位）
    construction = "construction"  # 施工单位
    design = "design"  # 设计单位
    supervision = "supervision"  # 监理单位
    street = "street"  # 街道
    community = "community"  # 社区
    property = "property"  # 物业
    residents = "residents"  # 居民代表


class DocumentKind(str, enum.Enum):
    site_plan = "site_plan"  # 总平面图
    pipe_network = "pipe_network"  # 地下综合管线图
    as_built = "as_built"  # 竣工图
    acceptance_report = "acceptance_report"  # 竣工验收报告
    handover_list = "handover_list"  # 移交清单
    other = "other"  # 其他资料


class ProjectAcceptance(db.Model):
    __tablename__ = "project_acceptance"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("renovation_project.id"), index=True)
    stage: Mapped[AcceptanceStage] = mapped_column(value_enum(AcceptanceStage, "acceptance_stage"))
    held_on: Mapped[date] = mapped_column(Date)
    result: Mapped[AcceptanceResult] = mapped_column(value_enum(AcceptanceResult, "acceptance_result"))
    summary: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    participants: Mapped[list[AcceptanceParticipant]] = relationship(
        order_by="AcceptanceParticipant.id", cascade="all, delete-orphan"
    )
    findings: Mapped[list[AcceptanceFinding]] = relationship(
        order_by="AcceptanceFinding.id", cascade="all, delete-orphan", foreign_keys="AcceptanceFinding.acceptance_id"
    )


class AcceptanceParticipant(db.Model):
    __tablename__ = "acceptance_participant"
    id: Mapped[int] = mapped_column(primary_key=True)
    acceptance_id: Mapped[int] = mapped_column(ForeignKey("project_acceptance.id"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(value_enum(ParticipantRole, "participant_role"))
    name: Mapped[str] = mapped_column(String(64))


class AcceptanceFinding(db.Model):
    """A defect found at an acceptance that failed, open until an acceptance that passes."""

    __tablename__ = "acceptance_finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    acceptance_id: Mapped[int] = mapped_column(ForeignKey("project_acceptance.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("renovation_project.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    rectify_by: Mapped[date] = mapped_column(Date)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("project_acceptance.id"))
    closed_on: Mapped[date | None] = mapped_column(Date)


class ProjectDocument(db.Model):
    """A drawing or record handed over with the works, stored on disk like a ticket photo."""

    __tablename__ = "project_document"
    __table_args__ = (CheckConstraint("size > 0", name="not_empty"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("renovation_project.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(value_enum(DocumentKind, "document_kind"))
    title: Mapped[str] = mapped_column(String(128))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  # random; never the uploaded name
    original_name: Mapped[str] = mapped_column(String(128))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

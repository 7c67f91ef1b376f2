"""Photos on a ticket through the API: upload (multipart), list, download. Downloads are served
with the type found by content, never as HTML, and only to those who see the ticket."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import Schema, fields
from sqlalchemy import select

from pm_app.auth.scope import get_visible, object_in_scope, visible
from pm_app.common.api import UploadBlueprint
from pm_app.errors import NotFound
from pm_app.extensions import db
from pm_app.tickets import attachments
from pm_app.tickets.models import Ticket, TicketAttachment

blp = UploadBlueprint(
    "ticket_attachments_api", __name__, url_prefix="/api/v1", description="Photos of a defect or its repair on a ticket"
)


class PhotoIn(Schema):
    photo = Upload(
        required=True,
        metadata={
            "description": "JPEG, PNG or WebP, checked by content; at most TICKET_PHOTO_MAX_BYTES (5 MB by default)"
        },
    )


class AttachmentOut(Schema):
    id = fields.Int()
    ticket_id = fields.Int()
    original_name = fields.Str()
    content_type = fields.Str()
    size = fields.Int()
    created_at = fields.AwareDateTime()


@blp.route("/tickets/<int:ticket_id>/attachments")
class Attachments(MethodView):
    decorators = [object_in_scope(Ticket, "ticket_id")]

    @blp.response(200, AttachmentOut(many=True))
    def get(self, ticket_id):
        """The ticket's photos, oldest first"""
        return db.session.scalars(
            visible(TicketAttachment, current_user)
            .where(TicketAttachment.ticket_id == ticket_id)
            .order_by(TicketAttachment.id)
        ).all()

    @blp.arguments(PhotoIn, location="form", content_type="multipart/form-data")
    @blp.response(201, AttachmentOut)
    @blp.alt_response(413, description="the photo is larger than the limit")
    @blp.alt_response(422, description="not a JPEG, PNG or WebP image, or the ticket holds its maximum")
    def post(self, data, ticket_id):
        """Add a photo (the office, the assignee and the committee of the ticket)"""
        ticket = get_visible(Ticket, ticket_id, current_user)
        record = attachments.attach(current_user, ticket, data["photo"].stream, data["photo"].filename)
        try:
            db.session.commit()
        except Exception:
            attachments.discard([record])
            raise
        return record


@blp.route("/tickets/<int:ticket_id>/attachments/<int:attachment_id>")
class AttachmentFile(MethodView):
    decorators = [object_in_scope(Ticket, "ticket_id")]

    @blp.response(200, description="the photo itself")
    def get(self, ticket_id, attachment_id):
        """Download a photo"""
        record = db.session.scalar(
            select(TicketAttachment).where(
                TicketAttachment.id == attachment_id, TicketAttachment.ticket_id == ticket_id
            )
        )
        if record is None:
            raise NotFound()
        return attachments.send(record, f"ticket-{ticket_id}-{record.id}{attachments.path_of(record).suffix}")
